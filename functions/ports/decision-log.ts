import type { WriteTarget } from '../domain/modes';
import type { KillSwitchState } from './kill-switch';

export type DecisionKind =
  | 'retraining.start'
  | 'retraining.defer'
  | 'retraining.quarantine'
  | 'retraining.ignore'
  | 'retraining.release'
  | 'retraining.batch';

export interface Decision {
  kind: DecisionKind | (string & {});
  /** What the decision is about: `rule/seq`, an object URI, an event id. */
  subject: string;
  outcome: string;
  reasons: string[];
  /** The inputs the decision used, as recorded evidence. */
  inputs: Record<string, unknown>;
  at: string;
  /** Filled in by the explaining decision log (functions/guardrails/decisions.ts). */
  id?: string;
  /** sha256 prefix of the policy the decision was made under. */
  policyVersion?: string;
  /** The write calls the decision led to, taken or withheld (observe mode, kill switch). */
  actions?: ActionRecord[];
  recordedAt?: string;
}

export interface ActionRecord {
  service: string;
  operation: string;
  /** What was written: a pipeline, a package ARN, `application/group`, an endpoint. */
  target: string;
  /** `failed`: committed (write-ahead) but the call failed; the delivery is retried. */
  status: 'taken' | 'withheld' | 'failed';
  /** Why a call was withheld: `observe (gates[0].mode)`, `paused by alice: incident 42`. */
  why?: string;
}

/**
 * A write a decision is about to make, named as the write port's guard names it (service,
 * operation, the resource written) plus what the policy's modes are judged on.
 */
export interface PlannedWrite {
  service: string;
  operation: string;
  resource: string;
  target: WriteTarget;
}

/** One decision per key: the first commit with the key wins until `ttlSeconds` have passed. */
export interface DecisionClaim {
  key: string;
  ttlSeconds: number;
  /**
   * Once the writes are made (`done`), the claim is held this long from then, so the effect stays
   * done for every later delivery that may still act. Without it the claim runs out after ttlSeconds.
   */
  keepSeconds?: number;
}

/** A committed decision whose writes are being made. */
export interface CommittedDecision {
  /**
   * The writes were made: the decision goes out to its subscribers (no further state write, except
   * one that extends the claim when it asked for `keepSeconds`).
   */
  done(): Promise<void>;
  /** The writes failed: the record says so, the claim is given back for the retried delivery. */
  fail(error: unknown): Promise<void>;
}

export interface CommitOptions {
  /**
   * Only while the kill switch the log was built with is not paused, checked as part of the same
   * atomic write where the store can (the DynamoDB log on the switch's own table): a pause then
   * applies to the very next decision, not after the switch's cache time.
   */
  unlessPaused?: boolean;
}

/** A commit held to the kill switch found it paused: nothing was written. */
export interface Paused {
  paused: KillSwitchState;
}

export interface DecisionLog {
  record(decision: Decision): Promise<void>;
  /**
   * Whether a commit holds `key` now (one consistent read, no write): work whose decision is already
   * made (a judgment of an interval another tick judged) can be skipped before it is done. False
   * once the claim ran out or was given back. Holding it is no reservation: only `commit` claims.
   */
  taken(key: string): Promise<boolean>;
  /**
   * Write-ahead: stores `decision`, with `planned` as its actions, and takes `claim`, in one atomic
   * write, before the writes are made. That one write is both the exactly-once guard and the
   * explained record. Undefined, with nothing written, when another caller holds the claim;
   * `{ paused }`, with nothing written, when `unlessPaused` and the switch is paused.
   */
  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
  ): Promise<CommittedDecision | undefined>;
  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    options: CommitOptions,
  ): Promise<CommittedDecision | Paused | undefined>;
}
