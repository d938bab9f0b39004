import type { Command } from 'commander';
import { ControllerError } from '../../domain/errors';
import type { DecisionQuery } from '../../ports/decision-history';

interface DecisionFlags {
  table?: string;
  scenario?: string;
  kind?: string;
  outcome?: string[];
  since?: string;
  until?: string;
  subject?: string;
  limit?: number;
  json?: boolean;
}

/** `--outcome HOLD,REJECT --outcome FROZEN`: every value, comma lists included. */
const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ControllerError(`--limit: "${value}" is not a whole number > 0`);
  return n;
}

/** The flags as the history's query: only those given. */
export function decisionQuery(flags: DecisionFlags): DecisionQuery {
  return {
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
    ...(flags.kind !== undefined ? { kind: flags.kind } : {}),
    ...(flags.outcome?.length ? { outcomes: flags.outcome } : {}),
    ...(flags.subject !== undefined ? { subject: flags.subject } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
  };
}

/** `mlops-controller decisions`: the decision records, filtered. */
export function register(program: Command): void {
  program
    .command('decisions')
    .option('--table <name>', 'state table (default: $STATE_TABLE)')
    .option('--scenario <file>', 'instead of a table: run this scenario on the embedded backend and list its decisions')
    .option('--kind <kind>', 'a kind (gate.registry) or a family (gate: every gate.* kind)')
    .option('--outcome <outcomes>', 'any of these outcomes (HOLD,REJECT; repeatable)', collect)
    .option('--since <iso>', 'from this time (default: 7 days ago)')
    .option('--until <iso>', 'up to this time (default: now)')
    .option(
      '--subject <prefix>',
      'subjects starting with this (rule/seq, pipeline/stage, ...); a model package ARN also finds every decision that touched the package',
    )
    .option('--limit <n>', 'at most this many (the oldest first)', positive)
    .option('--json', 'print JSON')
    .description('list recorded decisions: what was decided, why, and the actions taken or withheld')
    .action(async (flags: DecisionFlags) => {
      const query = decisionQuery(flags);
      const { listDecisions, decisionTable } = await import('../operate');
      let decisions;
      if (flags.scenario) {
        const { scenarioDecisions } = await import('../local-decisions');
        decisions = await scenarioDecisions(flags.scenario, query);
      } else {
        const table = flags.table ?? process.env.STATE_TABLE;
        if (!table)
          throw new ControllerError(
            'decisions needs the state table (--table <name> or STATE_TABLE) or --scenario <file>',
          );
        decisions = await listDecisions({ ...query, table });
      }
      console.log(flags.json ? JSON.stringify(decisions, null, 2) : decisionTable(decisions));
    });
}
