/**
 * A lifecycle hook's checks, each a pure function of what the workflow read (alarm states, the
 * package's approval status, the smoke response), returning its outcome with the detail a person
 * reads; hookVerdict (domain/rollback.ts) combines them.
 */
import type { HookRule } from '../config/policy-rollback';
import type { CheckResult } from './rollback';
import { smokeMismatch } from './rollback';

/** The hooks rule of a deployment: its group's own, else its application's without a group. */
export function hookRuleFor(
  hooks: readonly HookRule[],
  d: { application: string; deploymentGroup: string },
): HookRule | undefined {
  const mine = hooks.filter((h) => h.application === d.application);
  return mine.find((h) => h.deploymentGroup === d.deploymentGroup) ?? mine.find((h) => !h.deploymentGroup);
}

/** No rule for the deployment: no check runs, and no data never counts as a pass. */
export const noHookRule = (d: { application: string; deploymentGroup: string }): CheckResult => ({
  check: 'policy',
  outcome: 'NODATA',
  detail: `no hooks rule for ${d.application}/${d.deploymentGroup}`,
});

/** The rule's alarms as DescribeAlarms found them: one missing is no data, one in ALARM fails. */
export function alarmsCheck(alarms: readonly string[], states: ReadonlyMap<string, string>): CheckResult {
  const missing = alarms.filter((a) => !states.has(a));
  if (missing.length) return { check: 'alarms', outcome: 'NODATA', detail: `no such alarm: ${missing.join(', ')}` };
  const firing = alarms.filter((a) => states.get(a) === 'ALARM');
  if (firing.length) return { check: 'alarms', outcome: 'FAIL', detail: `in ALARM: ${firing.join(', ')}` };
  return { check: 'alarms', outcome: 'PASS', detail: `none of ${alarms.join(', ')} in ALARM` };
}

/**
 * The deployed model package must be Approved. `status` is the registry's (undefined: no such
 * package); `arn` undefined: the deployment names none.
 */
export function packageCheck(arn: string | undefined, status: string | undefined): CheckResult {
  if (!arn)
    return {
      check: 'package',
      outcome: 'NODATA',
      detail: 'the deployment names no model package (description or AppSpec)',
    };
  if (status === undefined) return { check: 'package', outcome: 'NODATA', detail: `${arn} does not exist` };
  return status === 'Approved'
    ? { check: 'package', outcome: 'PASS', detail: `${arn} is Approved` }
    : { check: 'package', outcome: 'FAIL', detail: `${arn} is ${status}` };
}

/** The smoke request's answer against what the rule expects of it. */
export function smokeCheck(
  smoke: { endpoint: string; expectJsonKeys?: string[]; expectPattern?: string },
  body: string,
): CheckResult {
  const mismatch = smokeMismatch(body, smoke);
  return mismatch
    ? { check: 'smoke', outcome: 'FAIL', detail: `${smoke.endpoint}: ${mismatch}` }
    : { check: 'smoke', outcome: 'PASS', detail: `${smoke.endpoint} answered as expected` };
}

/** A check that threw, or the checks that ran out of time: ERROR, which fails the hook. */
export function crashedCheck(check: string, error: unknown, timedOut = false): CheckResult {
  const message = error instanceof Error ? error.message : String(error);
  return { check, outcome: 'ERROR', detail: timedOut ? message : `crashed: ${message}` };
}
