/**
 * A lifecycle hook's checks, each a pure function of what the workflow read (alarm states, the
 * package's approval status, the smoke response), returning its outcome with the detail a person
 * reads; hookVerdict (domain/rollback.ts) combines them.
 */
import type { HookRule } from '../config/policy-rollback';
import type { CheckResult } from './rollback';
import { hookVerdict, smokeMismatch } from './rollback';

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

export type HookOutcome =
  /** Answered: Succeeded, or Failed (a check failed, found no data, or crashed). */
  | { outcome: 'SUCCEEDED' | 'FAILED'; answer: 'Succeeded' | 'Failed'; reasons: string[] }
  /**
   * A MARGINAL canary judgment with every other check passing: the hook is left unanswered, so the
   * deployment neither goes on nor rolls back until a person answers it (or CodeDeploy's hook
   * timeout fails it).
   */
  | { outcome: 'HOLD'; reasons: string[] };

/** What a hook's check results come to; `marginal`: the canary judgment among them was MARGINAL. */
export function hookOutcome(results: readonly CheckResult[], marginal: boolean): HookOutcome {
  if (marginal && results.filter((r) => r.check !== 'judgment').every((r) => r.outcome === 'PASS'))
    return {
      outcome: 'HOLD',
      reasons: [
        'canary judgment MARGINAL: the hook is left unanswered for a person (CodeDeploy fails it at its timeout)',
        ...results.map((r) => `${r.check} ${r.outcome}: ${r.detail}`),
      ],
    };
  const verdict = hookVerdict(results);
  return {
    outcome: verdict.status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED',
    answer: verdict.status,
    reasons: [verdict.reason],
  };
}

/** Smoke responses up to this many bytes are recorded whole (the decision record stays under 4 KB). */
export const SMOKE_BODY_BYTES = 600;

/**
 * What a hook's checks read, recorded with its decision so whatif can run them again: each
 * alarm's state (null: no such alarm), the package's approval status (null: no such package), the
 * smoke request and its answer (the body when it is small, else its size).
 */
export interface HookReads {
  alarms?: Record<string, string | null>;
  package?: { arn?: string; status: string | null };
  smoke?: SmokeRead;
}

export interface SmokeRead {
  endpoint: string;
  payload: string;
  contentType: string;
  expectJsonKeys?: string[];
  expectPattern?: string;
  body?: string;
  bodyBytes?: number;
}

export function smokeRead(
  smoke: { endpoint: string; payload: string; contentType: string; expectJsonKeys?: string[]; expectPattern?: string },
  body: string,
): SmokeRead {
  const bytes = new TextEncoder().encode(body).length;
  return {
    endpoint: smoke.endpoint,
    payload: smoke.payload,
    contentType: smoke.contentType,
    ...(smoke.expectJsonKeys ? { expectJsonKeys: smoke.expectJsonKeys } : {}),
    ...(smoke.expectPattern !== undefined ? { expectPattern: smoke.expectPattern } : {}),
    ...(bytes <= SMOKE_BODY_BYTES ? { body } : { bodyBytes: bytes }),
  };
}
