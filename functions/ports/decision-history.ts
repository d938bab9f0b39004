import type { Decision } from './decision-log';

/**
 * Which decision records to list. Every given filter must hold; without any, the last seven days.
 * The selection itself is `decisionMatches` (functions/domain/decision-query.ts), the same for
 * every backend.
 */
export interface DecisionQuery {
  /** ISO time, inclusive; default 7 days before now. */
  since?: string;
  /** ISO time, inclusive; default now. */
  until?: string;
  /** A kind (`gate.registry`) or a family (`gate`: every `gate.*` kind). */
  kind?: string;
  /** Any of these outcomes. */
  outcomes?: readonly string[];
  /**
   * A subject prefix (`churn/` for every batch of rule churn), or a model package ARN: then that
   * subject exactly and every decision that touched the package (its gate, approvals, rollback
   * rejects, overrides).
   */
  subject?: string;
  limit?: number;
}

/** The decision records, read back for operators (`decisions`, `status`). */
export interface DecisionHistory {
  /** Oldest first. */
  list(query?: DecisionQuery): Promise<Decision[]>;
}
