/**
 * The options every override command (rollback, approve, reject) takes, checked before anything is
 * loaded or called: a missing reason, person or table is a one-line error and no action.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Policy } from '../config/policy';
import { ControllerError } from '../domain/errors';
import { operatorProblem, reasonProblem } from '../domain/overrides';
import type { Logger } from '../ports/logger';

export interface OverrideFlags {
  reason?: string;
  by?: string;
  policy: string;
  table?: string;
}

export interface OverrideArgs {
  reason: string;
  by: string;
  table: string;
  policyFile: string;
}

export function withOverrideOptions(command: Command): Command {
  return command
    .requiredOption('--reason <text>', `why (recorded with the decision, and sent to AWS where the call takes one)`)
    .option('--by <name>', 'who acts, as recorded (default: $USER)')
    .option('--policy <file>', 'the policy the stage was deployed with', 'controller.yml')
    .option('--table <name>', 'state table (default: $STATE_TABLE)');
}

/** The checked options of `command`, or a ControllerError naming the first wrong one. */
export function overrideArgs(
  command: string,
  flags: OverrideFlags,
  env: Record<string, string | undefined> = process.env,
): OverrideArgs {
  const table = flags.table ?? env.STATE_TABLE;
  if (!table) throw new ControllerError(`${command} needs the state table: --table <name> or STATE_TABLE`);
  const reason = reasonProblem(flags.reason);
  if (reason) throw new ControllerError(`${command}: ${reason}`);
  const by = flags.by ?? env.USER;
  const who = operatorProblem(by);
  if (who) throw new ControllerError(`${command}: ${who}`);
  return { reason: flags.reason!.trim(), by: by!.trim(), table, policyFile: flags.policy };
}

/** The schema (zod) and the YAML parser load only once a command runs, not for --help. */
export async function readPolicyFile(file: string): Promise<Policy> {
  return (await import('../config/policy')).parsePolicyText(readFileSync(file, 'utf8'));
}

/** Errors on stderr; what was withheld is in the decisions the command prints. */
export const stderrLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: (message, attributes) => console.error(attributes ? `${message} ${JSON.stringify(attributes)}` : message),
};
