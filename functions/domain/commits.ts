/**
 * Write-ahead decisions (DecisionLog.commit): what the record says before its writes are made, and
 * what it says once they failed. Pure, so the memory and DynamoDB logs write the same records.
 */
import type { ActionRecord, Decision, PlannedWrite } from '../ports/decision-log';
import { ControllerError } from './errors';

/** The decision with its planned writes as taken actions: a plain log has no modes and no switch. */
export const withPlanned = (decision: Decision, planned: readonly PlannedWrite[]): Decision => ({
  ...decision,
  actions: [
    ...(decision.actions ?? []),
    ...planned.map((p): ActionRecord => ({
      service: p.service,
      operation: p.operation,
      target: p.resource,
      status: 'taken',
    })),
  ],
});

/** The committed decision, rewritten after its writes failed: nothing it planned counts as taken. */
export function failedDecision(decision: Decision, error: unknown): Decision {
  const message = error instanceof Error ? error.message : String(error);
  // Only a retryable failure is surfaced to Lambda's retries; a permanent one stays FAILED.
  const next =
    error instanceof ControllerError && !error.retryable
      ? 'it is permanent and not retried: fix its cause, then replay the event'
      : 'the delivery is retried';
  return {
    ...decision,
    outcome: 'FAILED',
    reasons: [`${decision.outcome} was committed, but its writes failed: ${message}; ${next}`, ...decision.reasons],
    actions: (decision.actions ?? []).map((a) => (a.status === 'taken' ? { ...a, status: 'failed' } : a)),
  };
}
