import { parseStageChange } from '../parsing/codepipeline';
import type { Logger } from '../ports/logger';
import type { StageRetryWorkflow } from '../workflows/stage-retry';
import { lambdaHandler } from '../config/runtime';
import { stageRetryRuntime } from '../config/rollback-runtime';

/** "CodePipeline Stage Execution State Change" FAILED → bounded RetryStageExecution. */
export function stageFailed(workflow: StageRetryWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const { commands, invalid } = parseStageChange(event);
    for (const { origin, reason } of invalid) {
      logger.error('not a CodePipeline stage execution state change; ignored', { id: origin.id });
      await workflow.ignore(`event/${origin.id}`, [reason], {});
    }
    for (const failure of commands) await workflow.onStageFailed(failure);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await stageRetryRuntime();
  return stageFailed(rt.stageRetry, rt.logger);
});
