import type { RetrainingRule } from '../../config/policy';
import { explainFailure } from '../../domain/run-failure';
import type { RetrainingFlow } from './flow';

/**
 * A failed run's end state: CodePipeline's and Step Functions' FAILED, SageMaker's Failed, Step
 * Functions' and CodeBuild's TIMED_OUT, CodeBuild's FAULT (a stop or an abort is a person's, not a failure).
 */
export const FAILED: ReadonlySet<string> = new Set(['FAILED', 'Failed', 'TIMED_OUT', 'FAULT']);

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
