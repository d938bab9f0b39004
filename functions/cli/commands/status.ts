import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ControllerError } from '../../domain/errors';

interface StatusFlags {
  table?: string;
  policy: string;
  scenario?: string[];
  holdsSince?: string;
  json?: boolean;
}

/** `mlops-controller status`: what is waiting, what will close it, what is frozen, held or paused. */
export function register(program: Command): void {
  program
    .command('status')
    .option('--table <name>', 'state table (default: $STATE_TABLE)')
    .option(
      '--policy <file>',
      'the policy the stage was deployed with (its retraining rules are listed)',
      'controller.yml',
    )
    .option(
      '--scenario <files...>',
      "instead of a table: run each scenario on the embedded backend and show the state it leaves (the demo's chapters)",
    )
    .option('--holds-since <iso>', 'look for HOLDs in the gate decisions from this time (default: 7 days ago)')
    .option('--json', 'print the status as JSON (one document, or a list with --scenario and several files)')
    .description(
      'per retraining rule the open batch and what closes it first, batches waiting or quarantined and why, the start guard; frozen stages; the kill switch; pending HOLDs',
    )
    .action(async (flags: StatusFlags) => {
      const { statusTable } = await import('../status-view');
      const options = flags.holdsSince !== undefined ? { holdsSince: flags.holdsSince } : {};
      const statuses = [];
      if (flags.scenario) {
        const { statusOfScenario } = await import('../local-status');
        for (const file of flags.scenario)
          statuses.push({ scenario: file, ...(await statusOfScenario(file, options)) });
      } else {
        const table = flags.table ?? process.env.STATE_TABLE;
        if (!table)
          throw new ControllerError(
            'status needs the state table (--table <name> or STATE_TABLE) or --scenario <file>',
          );
        const { parsePolicyText } = await import('../../config/policy');
        const { statusOfTable } = await import('../status');
        statuses.push(
          await statusOfTable({ policy: parsePolicyText(readFileSync(flags.policy, 'utf8')), table, ...options }),
        );
      }
      if (flags.json) console.log(JSON.stringify(statuses.length === 1 ? statuses[0] : statuses, null, 2));
      else
        console.log(
          statuses
            .map((s) => ('scenario' in s ? `== ${s.scenario} ==\n${statusTable(s)}` : statusTable(s)))
            .join('\n\n'),
        );
    });
}
