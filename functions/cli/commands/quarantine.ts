import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ControllerError } from '../../domain/errors';

interface QuarantineFlags {
  reason: string;
  policy: string;
  table?: string;
}

function batchSeq(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ControllerError(`<batch>: "${value}" is not a batch number (see status)`);
  return n;
}

/** `mlops-controller quarantine release|drop <rule> <batch> --reason`: a person decides a quarantined batch. */
export function register(program: Command): void {
  const group = program
    .command('quarantine')
    .description('decide a quarantined batch (see status): start it anyway, or drop it; both are recorded');
  for (const [act, text] of [
    ['release', 'start the quarantined batch anyway, through the guards (cooldown, daily cap, a running execution)'],
    ['drop', 'never train on the quarantined batch; its objects are named in the decision record'],
  ] as const)
    group
      .command(act)
      .argument('<rule>', 'retraining rule')
      .argument('<batch>', 'batch number (status lists them)', batchSeq)
      .requiredOption('--reason <text>', 'why (recorded with the decision)')
      .option('--policy <file>', 'the policy the stage was deployed with', 'controller.yml')
      .option('--table <name>', 'state table (default: $STATE_TABLE)')
      .description(text)
      .action(async (rule: string, seq: number, flags: QuarantineFlags) => {
        const table = flags.table ?? process.env.STATE_TABLE;
        if (!table) throw new ControllerError(`quarantine ${act} needs the state table: --table <name> or STATE_TABLE`);
        const { parsePolicyText } = await import('../../config/policy');
        const { quarantine } = await import('../quarantine');
        const result = await quarantine({
          act,
          policy: parsePolicyText(readFileSync(flags.policy, 'utf8')),
          table,
          rule,
          seq,
          reason: flags.reason,
          by: process.env.USER ?? 'a person',
          logger: { info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) },
        });
        console.log(`${rule}/${seq}: ${result.outcome}: ${result.reasons.join('; ')}`);
        // Deferred: try again later (2); refused: nothing to do (1).
        if (result.outcome === 'DEFERRED') process.exitCode = 2;
        if (result.outcome === 'REFUSED') process.exitCode = 1;
      });
}
