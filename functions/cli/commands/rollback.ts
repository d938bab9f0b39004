import type { Command } from 'commander';
import {
  overrideArgs,
  readPolicyFile,
  stderrLogger,
  withOverrideOptions,
  type OverrideFlags,
} from '../override-options';

/** `mlops-controller rollback <binding> --reason <text>`: what an alarm on the binding would do, asked by a person. */
export function register(program: Command): void {
  withOverrideOptions(
    program
      .command('rollback')
      .argument('<binding>', "the policy's rollback binding (rollback[].name)")
      .description(
        "run a binding's alarm response now (freeze, roll back, reject the live package), recorded with who asked and why; once per binding, person and reason",
      ),
  ).action(async (binding: string, flags: OverrideFlags) => {
    const args = overrideArgs('rollback', flags);
    const { rollbackBinding, decisionLines, withheldCount } = await import('../overrides');
    const { result, decisions } = await rollbackBinding({
      policy: await readPolicyFile(args.policyFile),
      table: args.table,
      by: args.by,
      reason: args.reason,
      binding,
      logger: stderrLogger,
    });
    for (const line of decisionLines(decisions)) console.log(line);
    const withheld = withheldCount(decisions);
    console.log(
      result.outcome === 'ALREADY_REQUESTED'
        ? `${binding}: this rollback was already requested by ${args.by} with the same reason (request ${result.request}): nothing done again; to ask again, give a new --reason`
        : withheld > 0
          ? `${binding}: rollback recorded for ${args.by} (request ${result.request}), ${withheld} write(s) withheld (⊘ above)`
          : `${binding}: rollback done as requested by ${args.by} (request ${result.request})`,
    );
  });
}
