import type { RetrainingRule } from '../config/policy';
import { CLAIMABLE, type BatchRecord, type GuardState } from '../ports/run-store';
import { evaluateStart } from './guards';
import type { RunState } from './starts';

/**
 * `quarantine release`: a person starts a quarantined batch anyway. The batch order is already past
 * it (quarantined batches are skipped), so it is claimed like an alarm-requested start: through the
 * same guards (cooldown, daily cap, a running execution), naming the batch in `running` and
 * `starting` and leaving `nextSeq` where it is.
 */
export type ReleaseVerdict =
  /** Nothing to release: why, and nothing is written. */
  | { phase: 'refuse'; reason: string }
  /** A guard holds it back now; the person may try again (at `retryAt` when time-bound). */
  | { phase: 'defer'; reasons: string[]; retryAt?: string }
  /** Claim the start (one conditional guard write), then reopen the batch and start it. */
  | { phase: 'start'; reasons: string[]; claim: Omit<GuardState, 'version'> }
  /** Its release was claimed by an interrupted call: finish it (the start token is the same). */
  | { phase: 'resume'; reasons: string[] };

/** `run`: what the batch records add to the guard, as a start reads them (workflows/retraining/starts.ts). */
export function releaseVerdict(
  rule: RetrainingRule,
  guard: GuardState,
  run: RunState,
  batch: BatchRecord | undefined,
  now: Date,
): ReleaseVerdict {
  const name = `${rule.name}/${batch?.seq ?? '?'}`;
  if (!batch) return { phase: 'refuse', reason: 'no such batch' };
  if (batch.status === 'STARTED')
    return { phase: 'refuse', reason: `${name} has started already (execution ${batch.executionId ?? 'unknown'})` };
  if (batch.status === 'DROPPED') return { phase: 'refuse', reason: `${name} was dropped: ${batch.reason ?? ''}` };
  if (guard.starting?.seq === batch.seq)
    return { phase: 'resume', reasons: ['re-issued: its start was claimed and not yet recorded'] };
  if (batch.status !== 'QUARANTINED')
    return {
      phase: 'refuse',
      reason: `${name} is ${batch.status}, not quarantined: it starts by itself in batch order`,
    };
  if (run.unrecorded)
    return {
      phase: 'defer',
      reasons: [
        `the start of ${rule.name}/${run.unrecorded.batch.seq} is claimed, not yet recorded: try again shortly`,
      ],
    };
  // The order check is the batch order's, which quarantined batches are out of: ask as for nextSeq.
  const verdict = evaluateStart(rule, run.guard, guard.nextSeq, now);
  if (verdict.verdict === 'defer')
    return { phase: 'defer', reasons: verdict.reasons, ...(verdict.retryAt ? { retryAt: verdict.retryAt } : {}) };
  const since = now.toISOString();
  return {
    phase: 'start',
    reasons: verdict.reasons,
    claim: {
      ...verdict.next,
      nextSeq: guard.nextSeq,
      running: { seq: batch.seq, since },
      starting: { seq: batch.seq, since },
    },
  };
}

/** `quarantine drop`: only a quarantined batch, and only once. */
export function dropVerdict(
  rule: RetrainingRule,
  batch: BatchRecord | undefined,
): { drop: true } | { drop: false; reason: string } {
  if (!batch) return { drop: false, reason: 'no such batch' };
  if (batch.status === 'QUARANTINED') return { drop: true };
  const state = CLAIMABLE.includes(batch.status) ? `${batch.status}: it starts by itself in batch order` : batch.status;
  return { drop: false, reason: `${rule.name}/${batch.seq} is ${state}, not quarantined` };
}
