/**
 * Lifecycle of a closed batch, and the per-rule guard state that decides when it may start.
 * Every write is one conditional single-item write, so concurrent or repeated deliveries move a
 * batch once:
 *
 *   - closing records the batch (`putBatch`, once: CLOSED, DEFERRED or QUARANTINED);
 *   - the start intent is a guard swap (`swapGuard`, conditional on the guard's version) that moves
 *     `nextSeq` past the batch and names it in `starting`. Batches start in `nextSeq` order and the
 *     swap succeeds for one caller only, so two invocations can never start the same batch;
 *   - once the pipeline answered, the batch moves to STARTED with the execution id (`transition`).
 *
 * A claimed batch keeps its CLOSED/DEFERRED record until then: `guard.starting` names it, and a
 * new claim is only made once that start is recorded, so at most one start per rule is ever
 * claimed but unrecorded, and the sweeper re-issues it (same client request token) after a crash.
 */
export type BatchStatus =
  | 'CLOSED'
  | 'DEFERRED'
  /** Claimed by earlier releases, which marked the batch itself: an unrecorded claim like any other. */
  | 'STARTING'
  | 'STARTED'
  | 'QUARANTINED'
  /** A quarantined batch a person decided never to train on (`quarantine drop`). */
  | 'DROPPED';

/** The statuses a claimed batch can have until its start is recorded. */
export const CLAIMABLE: readonly BatchStatus[] = ['CLOSED', 'DEFERRED', 'STARTING'];

export interface BatchRecord {
  rule: string;
  seq: number;
  status: BatchStatus;
  objects: number;
  bytes: number;
  manifestUri?: string;
  executionId?: string;
  /** Why it is deferred or quarantined. */
  reason?: string;
  closedAt: string;
  updatedAt: string;
}

export interface GuardState {
  /** Bumped on every change: swaps are conditional on it. */
  version: number;
  lastStartAt?: string;
  /** UTC day (YYYY-MM-DD) `startsToday` counts for. */
  day?: string;
  startsToday: number;
  /**
   * The run that blocks an exclusive rule until its terminal event. A batch run's execution id is
   * on its batch record (recorded with STARTED); an alarm-started run (seq -1) carries it here.
   */
  running?: {
    seq: number;
    since: string;
    executionId?: string;
    /** An alarm-started run's start token: its claimer's retry re-issues the start with it. */
    token?: string;
  };
  /**
   * The last batch whose start was claimed, and when: its start is recorded once its batch is
   * STARTED. Every guard write carries it over (only a new claim replaces it).
   */
  starting?: { seq: number; since: string };
  /** Lowest batch seq not yet claimed or quarantined: batches start in order. */
  nextSeq: number;
}

/** Which batch records of a rule `batches` returns. */
export interface BatchQuery {
  /** Only these statuses (default: every status). */
  statuses?: readonly BatchStatus[];
  /** Only batches from this seq on. */
  fromSeq?: number;
}

export interface RunStore {
  putBatch(record: BatchRecord): Promise<boolean>;
  getBatch(rule: string, seq: number): Promise<BatchRecord | undefined>;
  /** The rule's batch records that match `query`, in seq order (a read for operators: status). */
  batches(rule: string, query?: BatchQuery): Promise<BatchRecord[]>;
  /** Moves a batch from one of `from` to a new status; false if it was not in `from`. */
  transition(
    rule: string,
    seq: number,
    from: readonly BatchStatus[],
    patch: Partial<BatchRecord> & { status: BatchStatus },
  ): Promise<boolean>;
  getGuard(rule: string): Promise<GuardState>;
  /** Replaces the guard state if its version is still `expected.version`; bumps the version. */
  swapGuard(rule: string, expected: GuardState, next: Omit<GuardState, 'version'>): Promise<boolean>;
}
