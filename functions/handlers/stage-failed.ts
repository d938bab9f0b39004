import * as z from 'zod/mini';
import type { Logger } from '../ports/logger';
import type { StageRetryWorkflow } from '../workflows/stage-retry';
import { lambdaHandler } from '../config/runtime';
import { stageRetryRuntime } from '../config/rollback-runtime';

const stageEvent = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Stage Execution State Change'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipeline: z.string().check(z.minLength(1)),
    stage: z.string().check(z.minLength(1)),
    'execution-id': z.string().check(z.minLength(1)),
    state: z.string().check(z.minLength(1)),
  }),
});

/** "CodePipeline Stage Execution State Change" FAILED → bounded RetryStageExecution. */
export function stageFailed(workflow: StageRetryWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const parsed = stageEvent.safeParse(event);
    if (!parsed.success) {
      const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
      logger.error('not a CodePipeline stage execution state change; ignored', { id });
      await workflow.ignore(`event/${id}`, ['not a CodePipeline stage execution state change'], {});
      return;
    }
    const e = parsed.data;
    await workflow.onStageFailed({
      id: e.id,
      pipeline: e.detail.pipeline,
      stage: e.detail.stage,
      executionId: e.detail['execution-id'],
      state: e.detail.state,
      ...(e.account ? { account: e.account } : {}),
      ...(e.region ? { region: e.region } : {}),
    });
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await stageRetryRuntime();
  return stageFailed(rt.stageRetry, rt.logger);
});
