import type { RetrainingRule } from '../config/policy';
import type { OpenBatch } from '../ports/batch-ledger';
import { isMarker } from './routing';
import type { ObjectRef } from './objects';

export interface CloseVerdict {
  close: boolean;
  /** Why it closes (or why not yet), for the decision record. */
  reason: string;
}

/** S3 allows 5 TB objects; anything past this is a corrupt event, not data. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

function quietFor(open: Pick<OpenBatch, 'lastArrivalAt'>, now: Date): number | undefined {
  return open.lastArrivalAt ? (now.getTime() - Date.parse(open.lastArrivalAt)) / 1000 : undefined;
}

/** Decides on the exact pending members whether the batch closes now. */
export function closeVerdict(
  rule: RetrainingRule,
  members: readonly ObjectRef[],
  open: OpenBatch,
  now: Date,
): CloseVerdict {
  const t = rule.trigger;
  const data = members.filter((m) => !isMarker(rule, m));
  const bytes = data.reduce((sum, m) => sum + m.size, 0);
  const marker = members.find((m) => isMarker(rule, m));
  if (marker) return { close: true, reason: `marker s3://${marker.bucket}/${marker.key} arrived` };
  if (t.maxObjects !== undefined && data.length >= t.maxObjects)
    return { close: true, reason: `${data.length} objects reached maxObjects ${t.maxObjects}` };
  if (t.maxBytes !== undefined && bytes >= t.maxBytes)
    return { close: true, reason: `${bytes} bytes reached maxBytes ${t.maxBytes}` };
  const quiet = quietFor(open, now);
  if (t.quietSeconds !== undefined && quiet !== undefined && quiet >= t.quietSeconds && data.length > 0)
    return { close: true, reason: `no new object for ${Math.round(quiet)}s (quietSeconds ${t.quietSeconds})` };
  return { close: false, reason: `${data.length} objects, ${bytes} bytes pending` };
}

/**
 * Cheap pre-check on the ledger's counters before paying for a close attempt. Counters can run
 * ahead of the exact members (a lost race is counted once more), never behind, so this never
 * misses a close; `closeVerdict` then decides on the exact members.
 */
export function mayClose(rule: RetrainingRule, open: OpenBatch, sawMarker: boolean, now: Date): boolean {
  if (open.pendingObjects <= 0) return false;
  const t = rule.trigger;
  if (sawMarker) return true;
  // A close in progress takes (nearly) everything pending: a second closer would only lose the
  // lease race, which bills a write. What it leaves is closed by the next append or the sweeper.
  if (open.closing) return false;
  if (t.maxObjects !== undefined && open.pendingObjects >= t.maxObjects) return true;
  if (t.maxBytes !== undefined && open.pendingBytes >= t.maxBytes) return true;
  const quiet = quietFor(open, now);
  return t.quietSeconds !== undefined && quiet !== undefined && quiet >= t.quietSeconds;
}
