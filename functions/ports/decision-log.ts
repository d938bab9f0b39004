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
}

export interface DecisionLog {
  record(decision: Decision): Promise<void>;
}
