/**
 * Lifecycle of a closed batch, and the per-rule guard state that decides when it may start.
 * Every transition is conditional, so concurrent or repeated deliveries move a batch once.
 */
export type BatchStatus = 'CLOSED' | 'DEFERRED' | 'STARTING' | 'STARTED' | 'QUARANTINED';

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
  running?: { seq: number; since: string; executionId?: string };
  /** Lowest batch seq not yet started or quarantined: batches start in order. */
  nextSeq: number;
}

export interface RunStore {
  putBatch(record: BatchRecord): Promise<boolean>;
  getBatch(rule: string, seq: number): Promise<BatchRecord | undefined>;
  /** Batches in the given statuses, oldest first. */
  listBatches(rule: string, statuses: BatchStatus[]): Promise<BatchRecord[]>;
  /** Moves a batch from one of `from` to a new status; false if it was not in `from`. */
  transition(
    rule: string,
    seq: number,
    from: BatchStatus[],
    patch: Partial<BatchRecord> & { status: BatchStatus },
  ): Promise<boolean>;
  getGuard(rule: string): Promise<GuardState>;
  /** Replaces the guard state if its version is still `expected.version`; bumps the version. */
  swapGuard(rule: string, expected: GuardState, next: Omit<GuardState, 'version'>): Promise<boolean>;
  /**
   * The start intent, atomically: the guard moves from `expected` to `next` AND the batch moves
   * from CLOSED/DEFERRED to STARTING. Either both happen or neither (false).
   */
  claimStart(
    rule: string,
    seq: number,
    expected: GuardState,
    next: Omit<GuardState, 'version'>,
    at: string,
  ): Promise<boolean>;
}
