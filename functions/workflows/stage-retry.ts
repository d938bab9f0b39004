import type { Policy } from '../config/policy';
import { attemptStep, rejectedApproval, retryRefusal, retryRuleFor } from '../domain/stage-retry';
import type { Clock } from '../ports/clock';
import type { DecisionLog } from '../ports/decision-log';
import type { StageFailure } from '../parsing/codepipeline';
import type { Logger } from '../ports/logger';
import type { RollbackStore } from '../ports/rollback-store';
import type { StageControl } from '../ports/stage-control';
import { Recorder } from './recorder';

export interface StageRetryDeps {
  policy: Policy;
  stages: StageControl;
  store: RollbackStore;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

export type { StageFailure };

/**
 * A failed stage the policy marks retryable: RetryStageExecution (FAILED_ACTIONS), at most N times
 * (domain/stage-retry.ts decides each step).
 */
export class StageRetryWorkflow {
  private readonly recorder: Recorder;

  constructor(private readonly deps: StageRetryDeps) {
    this.recorder = new Recorder(deps, 'rollback.ignore');
  }

  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    return this.recorder.ignore(subject, reasons, inputs);
  }

  async onStageFailed(f: StageFailure): Promise<void> {
    const subject = `${f.pipeline}/${f.stage}/${f.executionId}`;
    const foreign = this.recorder.foreignOrigin(f);
    if (foreign) return this.ignore(subject, [foreign], { id: f.id });
    const found = retryRuleFor(this.deps.policy.stageRetry, f.pipeline, f.stage);
    if ('reason' in found) return this.ignore(subject, [found.reason], { id: f.id });
    const { rule } = found;
    if (f.state !== 'FAILED') {
      this.deps.logger.info('stage did not fail; nothing to retry', { subject, state: f.state });
      return;
    }
    const base = { kind: 'rollback.stage-retry', subject };
    const rejected = rejectedApproval(f.stage, await this.deps.stages.actions(f.pipeline, f.executionId));
    if (rejected)
      return this.recorder.record({ ...base, outcome: 'NOT_RETRIED', reasons: [rejected], inputs: { id: f.id } });
    const step = attemptStep(rule, await this.deps.store.countAttempt(subject, f.id, rule.maxAttempts));
    if (step.phase === 'duplicate') {
      this.deps.logger.info('duplicate stage failure event; attempt already counted', { subject, id: f.id });
      return;
    }
    if (step.phase === 'exhausted')
      return this.recorder.record({
        ...base,
        outcome: 'LEFT_FAILED',
        reasons: [step.reason],
        inputs: { id: f.id, maxAttempts: rule.maxAttempts },
      });
    const { attempt } = step;
    if (rule.delaySeconds > 0) await this.deps.clock.sleep(rule.delaySeconds * 1000);
    try {
      await this.deps.stages.retry(f.pipeline, f.stage, f.executionId);
    } catch (error) {
      const refused = retryRefusal(error);
      if (refused)
        return this.recorder.record({
          ...base,
          outcome: 'NOT_RETRIED',
          reasons: [refused],
          inputs: { id: f.id, attempt },
        });
      throw error;
    }
    await this.recorder.record({
      ...base,
      outcome: 'RETRIED',
      reasons: [step.reason],
      inputs: { id: f.id, attempt, maxAttempts: rule.maxAttempts },
    });
  }
}
