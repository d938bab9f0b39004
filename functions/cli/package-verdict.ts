import type { Command } from 'commander';
import { ControllerError } from '../domain/errors';
import { packageArnProblem, type OverrideStatus } from '../domain/overrides';
import {
  overrideArgs,
  readPolicyFile,
  stderrLogger,
  withOverrideOptions,
  type OverrideFlags,
} from './override-options';

/** approve and reject: the registry gate's decision on one package, made by a person. */
export function registerVerdict(program: Command, verb: 'approve' | 'reject', status: OverrideStatus): void {
  withOverrideOptions(
    program
      .command(verb)
      .argument('<package-arn>', 'versioned model package ARN (…:model-package/<group>/<version>)')
      .description(
        `set a model package ${status} (UpdateModelPackage, your reason as ApprovalDescription) through the gates' claim, recorded as a decision`,
      ),
  ).action(async (arn: string, flags: OverrideFlags) => {
    const problem = packageArnProblem(arn);
    if (problem) throw new ControllerError(`${verb}: ${problem}`);
    const args = overrideArgs(verb, flags);
    const { decidePackage, decisionLines } = await import('./overrides');
    const { result, decisions } = await decidePackage({
      policy: await readPolicyFile(args.policyFile),
      table: args.table,
      by: args.by,
      reason: args.reason,
      arn,
      status,
      logger: stderrLogger,
    });
    for (const line of decisionLines(decisions)) console.log(line);
    if (result.outcome === 'UNCHANGED' || result.outcome === 'BUSY') console.log(result.reason);
    // Nothing was decided: a script must not take it for done.
    if (result.outcome === 'BUSY') process.exitCode = 1;
  });
}
