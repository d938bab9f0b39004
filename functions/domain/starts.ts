import type { RetrainingRule } from '../config/policy';
import type { StartResult } from '../ports/pipelines';
import { CLAIMABLE, type BatchRecord, type GuardState } from '../ports/run-store';
import { evaluateStart } from './guards';

/**
 * What the guard alone does not say, read from the batch records: the running batch's execution id
 * (folded into `guard`) and the claimed start whose batch is not STARTED yet.
 */
export interface RunState {
  guard: GuardState;
  unrecorded?: { batch: BatchRecord; since: string };
}

/** The next start of a rule, given the batch at its `nextSeq` (functions/ports/run-store.ts). */
export type NextStart =
  /** No closed batch waits. */
  | { phase: 'idle'; reason: string }
  /** The batch never starts (quarantined, or started already): the guard moves past it. */
  | { phase: 'skip'; reason: string; next: Omit<GuardState, 'version'> }
  /**
   * The last claimed start is not recorded yet: its claimer starts this batch once it has recorded
   * it (after a crash, the sweeper re-issues it first). Claiming now would replace the only record
   * of that start intent.
   */
  | { phase: 'wait'; reason: string }
  /** A guard holds the batch back; `changed`: its record does not say so yet. */
  | { phase: 'defer'; reasons: string[]; reason: string; retryAt?: string; changed: boolean }
  /** Claim the start: swap the guard to `claim` (one conditional write), then start the batch. */
  | { phase: 'start'; reasons: string[]; claim: Omit<GuardState, 'version'> };

/** Whether a batch in this status may still start (its start not recorded yet). */
export const mayStart = (batch: Pick<BatchRecord, 'status'>): boolean => CLAIMABLE.includes(batch.status);

/**
 * Decides the next start of `rule`. `guard` is the guard as read (its `nextSeq` names `batch`);
 * `run` is what the batch records add to it, needed only for a batch that may start.
 */
export function nextStart(
  rule: RetrainingRule,
  guard: GuardState,
  batch: BatchRecord | undefined,
  run: RunState,
  now: Date,
): NextStart {
  if (!batch) return { phase: 'idle', reason: `no closed batch ${guard.nextSeq} of ${rule.name}` };
  if (!mayStart(batch)) {
    const { version: _v, ...rest } = guard;
    return {
      phase: 'skip',
      reason: `batch ${batch.seq} is ${batch.status}: it never starts`,
      next: { ...rest, nextSeq: guard.nextSeq + 1 },
    };
  }
  if (run.unrecorded)
    return {
      phase: 'wait',
      reason: `the start of batch ${run.unrecorded.batch.seq} claimed at ${run.unrecorded.since} is not recorded yet`,
    };
  const verdict = evaluateStart(rule, run.guard, batch.seq, now);
  if (verdict.verdict === 'defer') {
    const reason = verdict.reasons.join('; ');
    return {
      phase: 'defer',
      reasons: verdict.reasons,
      reason,
      ...(verdict.retryAt ? { retryAt: verdict.retryAt } : {}),
      changed: batch.status !== 'DEFERRED' || batch.reason !== reason,
    };
  }
  return {
    phase: 'start',
    reasons: verdict.reasons,
    claim: { ...verdict.next, starting: { seq: batch.seq, since: now.toISOString() } },
  };
}

/** A start asked for by something other than data (an alarm): no batch, `running.seq` -1. */
export type RequestedStart =
  /** The rule's running start is this request's own claim, from an interrupted sweep: issue it again. */
  | { phase: 'resume'; reasons: string[] }
  | { phase: 'defer'; reasons: string[]; retryAt?: string }
  /** Claim it: swap the guard to `claim`, then start the target. */
  | { phase: 'start'; reasons: string[]; claim: Omit<GuardState, 'version'> };

/**
 * Whether the rule's running start is the claim of the request with this start token (the guards
 * already let it through once, and the token keeps a start that did happen from starting twice).
 */
export const resumesClaim = (guard: GuardState, token: string): boolean =>
  guard.running?.seq === -1 && guard.running.token === token;

/**
 * Decides a requested start of `rule` through the same guards as a batch start. `known` is the
 * guard with what the batch records add (RunState.guard), needed unless the claim is resumed.
 */
export function requestedStart(
  rule: RetrainingRule,
  guard: GuardState,
  known: GuardState,
  token: string,
  now: Date,
): RequestedStart {
  if (resumesClaim(guard, token))
    return { phase: 'resume', reasons: ['re-issued: the start was claimed by an interrupted sweep'] };
  const verdict = evaluateStart(rule, known, guard.nextSeq, now);
  if (verdict.verdict === 'defer')
    return { phase: 'defer', reasons: verdict.reasons, ...(verdict.retryAt ? { retryAt: verdict.retryAt } : {}) };
  return {
    phase: 'start',
    reasons: verdict.reasons,
    // No batch is claimed: the batch order stays where it was.
    claim: { ...verdict.next, nextSeq: guard.nextSeq, running: { seq: -1, since: now.toISOString(), token } },
  };
}

/**
 * The execution id a run's batch record, guard and decision carry. A withheld start (observe mode,
 * kill switch) created no execution: its run is named `withheld:<token>`, unique per start and
 * never an id CodePipeline or SageMaker hands out, so no execution's end can release it by
 * mistake. The value is only stored and compared, never parsed; the prefix is what records
 * written since observe mode began already say.
 */
export const recordedExecutionId = (result: StartResult, token: string): string =>
  'executionId' in result ? result.executionId : `withheld:${token}`;
