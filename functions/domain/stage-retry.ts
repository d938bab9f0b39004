/**
 * Bounded stage retry, as pure functions returning a phase with its reason: which rule marks a
 * failed stage retryable, whether a person's rejection forbids the retry, what the counted attempt
 * allows, and whether CodePipeline's refusal is an answer rather than a failure to retry.
 */
import type { StageRetryRule } from '../config/policy-rollback';
import type { StageActionRun } from '../ports/stage-control';
import { ControllerError } from './errors';

/** The rule that marks `stage` of `pipeline` retryable, or why none does. */
export function retryRuleFor(
  rules: readonly StageRetryRule[],
  pipeline: string,
  stage: string,
): { rule: StageRetryRule } | { reason: string } {
  const rule = rules.find((r) => r.pipeline === pipeline && r.stages.includes(stage));
  return rule ? { rule } : { reason: `stage ${stage} of ${pipeline} is not marked retryable` };
}

/** A rejected manual approval in the failed stage: a person said no, and a retry would overrule them. */
export function rejectedApproval(stage: string, runs: readonly StageActionRun[]): string | undefined {
  const rejected = runs.find((a) => a.stage === stage && a.category === 'Approval' && a.status === 'Failed');
  return rejected
    ? `approval ${rejected.action} was rejected: a person said no, retrying would overrule them`
    : undefined;
}

export type AttemptStep =
  /** This failure event was counted already (a redelivery): nothing to do, nothing to record. */
  | { phase: 'duplicate' }
  /** Every retry is used: the stage stays failed for a person. */
  | { phase: 'exhausted'; reason: string }
  | { phase: 'retry'; attempt: number; reason: string };

/** What the attempt the store counted (RollbackStore.countAttempt) allows under `rule`. */
export function attemptStep(
  rule: Pick<StageRetryRule, 'maxAttempts' | 'delaySeconds'>,
  attempt: number | 'duplicate' | 'exhausted',
): AttemptStep {
  if (attempt === 'duplicate') return { phase: 'duplicate' };
  if (attempt === 'exhausted')
    return {
      phase: 'exhausted',
      reason: `${rule.maxAttempts} retries used: the stage stays failed for a person to look at`,
    };
  return {
    phase: 'retry',
    attempt,
    reason: `attempt ${attempt} of ${rule.maxAttempts} after ${rule.delaySeconds}s (FAILED_ACTIONS)`,
  };
}

/** CodePipeline refuses a retry it cannot do; that is an answer, not a failure to retry. */
const REFUSED = ['StageNotRetryableException', 'ConflictException', 'NotLatestPipelineExecutionException'];

/** Why CodePipeline refused the retry, when `error` (or the AWS error it wraps) is a refusal. */
export function retryRefusal(error: unknown): string | undefined {
  const cause = error instanceof ControllerError ? error.cause : error;
  return cause instanceof Error && REFUSED.includes(cause.name)
    ? `CodePipeline refused the retry: ${cause.name}: ${cause.message}`
    : undefined;
}
