import type { ObjectRef } from '../domain/objects';

/** What the ledger knows about a rule's open (not yet closed) batch. Counts are hints for the
 *  close decision; the closer re-checks them against the exact members before closing. */
export interface OpenBatch {
  pendingObjects: number;
  pendingBytes: number;
  lastArrivalAt?: string;
  /** Sequence number the next closed batch will get. */
  nextSeq: number;
  /** Another caller was closing when this was read: it takes what was pending then. */
  closing?: boolean;
}

/** The open batch as an operator sees it: the counters and when its oldest pending object arrived. */
export interface OpenBatchView extends OpenBatch {
  firstArrivalAt?: string;
}

export interface AppendResult {
  /** Objects recorded for the first time by this call. */
  accepted: ObjectRef[];
  /** Objects already recorded (duplicate delivery): ignored. */
  duplicates: ObjectRef[];
  open: OpenBatch;
}

export interface ClosedBatch {
  rule: string;
  seq: number;
  members: ObjectRef[];
  closedAt: string;
}

/**
 * The batching ledger of one rule: every object is appended once, and `close` moves the objects
 * appended so far into exactly one numbered batch. An object is never in two batches or in none,
 * whatever the concurrency and duplication of callers.
 */
export interface BatchLedger {
  append(rule: string, objects: ObjectRef[], now: Date): Promise<AppendResult>;
  open(rule: string): Promise<OpenBatch>;
  /** `open`, plus the arrival time of the oldest pending object (its age); writes nothing. */
  inspect(rule: string): Promise<OpenBatchView>;
  /**
   * Closes the open batch if `decide` (called with the exact pending members) says so.
   * `worthTrying`, when given, is asked first on exact counters, before anything is written: a
   * caller whose own counters were stale does not pay for a lease it would give back.
   * Returns null when another caller is closing, or either check declined.
   */
  close(
    rule: string,
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
    worthTrying?: (open: OpenBatch) => boolean,
  ): Promise<ClosedBatch | null>;
  /** Members of an already closed batch (rebuilds a manifest after a crash). */
  members(rule: string, seq: number): Promise<ObjectRef[]>;
}
