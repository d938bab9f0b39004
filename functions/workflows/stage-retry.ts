import type { Policy } from '../config/policy';
import { ControllerError } from '../domain/errors';
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

/** CodePipeline refuses a retry it cannot do; that is an answer, not a failure to retry. */
const REFUSED = ['StageNotRetryableException', 'ConflictException', 'NotLatestPipelineExecutionException'];

/** A failed stage the policy marks retryable: RetryStageExecution (FAILED_ACTIONS), at most N times. */
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
    const rule = this.deps.policy.stageRetry.find((r) => r.pipeline === f.pipeline && r.stages.includes(f.stage));
    if (!rule) return this.ignore(subject, [`stage ${f.stage} of ${f.pipeline} is not marked retryable`], { id: f.id });
    if (f.state !== 'FAILED') {
      this.deps.logger.info('stage did not fail; nothing to retry', { subject, state: f.state });
      return;
    }
    const base = { kind: 'rollback.stage-retry', subject };
    const runs = await this.deps.stages.actions(f.pipeline, f.executionId);
    const rejected = runs.find((a) => a.stage === f.stage && a.category === 'Approval' && a.status === 'Failed');
    if (rejected)
      return this.recorder.record({
        ...base,
        outcome: 'NOT_RETRIED',
        reasons: [`approval ${rejected.action} was rejected: a person said no, retrying would overrule them`],
        inputs: { id: f.id },
      });
    const attempt = await this.deps.store.countAttempt(subject, f.id, rule.maxAttempts);
    if (attempt === 'duplicate') {
      this.deps.logger.info('duplicate stage failure event; attempt already counted', { subject, id: f.id });
      return;
    }
    if (attempt === 'exhausted')
      return this.recorder.record({
        ...base,
        outcome: 'LEFT_FAILED',
        reasons: [`${rule.maxAttempts} retries used: the stage stays failed for a person to look at`],
        inputs: { id: f.id, maxAttempts: rule.maxAttempts },
      });
    if (rule.delaySeconds > 0) await this.deps.clock.sleep(rule.delaySeconds * 1000);
    try {
      await this.deps.stages.retry(f.pipeline, f.stage, f.executionId);
    } catch (error) {
      const cause = error instanceof ControllerError ? error.cause : error;
      if (cause instanceof Error && REFUSED.includes(cause.name))
        return this.recorder.record({
          ...base,
          outcome: 'NOT_RETRIED',
          reasons: [`CodePipeline refused the retry: ${cause.name}: ${cause.message}`],
          inputs: { id: f.id, attempt },
        });
      throw error;
    }
    await this.recorder.record({
      ...base,
      outcome: 'RETRIED',
      reasons: [`attempt ${attempt} of ${rule.maxAttempts} after ${rule.delaySeconds}s (FAILED_ACTIONS)`],
      inputs: { id: f.id, attempt, maxAttempts: rule.maxAttempts },
    });
  }
}
