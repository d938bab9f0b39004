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
  /** Filled in by the explaining decision log (functions/workflows/explained-decisions.ts). */
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
  status: 'taken' | 'withheld';
  /** Why a call was withheld: `observe (gates[0].mode)`, `paused by alice: incident 42`. */
  why?: string;
}

export interface DecisionLog {
  record(decision: Decision): Promise<void>;
}
