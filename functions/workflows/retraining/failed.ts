import type { RetrainingRule } from '../../config/policy';
import { explainFailure } from '../../domain/run-failure';
import type { RetrainingFlow } from './flow';

/** CodePipeline's event state and SageMaker's execution status for a failed run. */
export const FAILED: ReadonlySet<string> = new Set(['FAILED', 'Failed']);

/** A failed run, explained from its service (bounded reads), as a decision its notification repeats. */
export async function explainFailed(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  subject: string,
  executionId: string,
  eventId: string,
): Promise<void> {
  const facts = await flow.failures.facts(rule.target, executionId);
  const target = `${rule.target.type}:${rule.target.name}`;
  const explained = explainFailure(target, executionId, facts);
  await flow.recorder.record({
    kind: 'retraining.failure',
    subject,
    outcome: 'FAILED',
    reasons: [explained.text],
    inputs: { eventId, target, executionId, cause: explained.cause, ...facts },
  });
}
