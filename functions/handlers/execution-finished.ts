import * as z from 'zod/mini';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { lambdaHandler } from '../config/runtime';
import { retrainingRuntime } from '../config/retraining-runtime';

const codePipelineFinished = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipeline: z.string().check(z.minLength(1)),
    'execution-id': z.string().check(z.minLength(1)),
    state: z.string(),
  }),
});

const sageMakerFinished = z.object({
  id: z.string(),
  source: z.literal('aws.sagemaker'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipelineArn: z.string().check(z.minLength(1)),
    pipelineExecutionArn: z.string().check(z.minLength(1)),
    currentPipelineExecutionStatus: z.string(),
  }),
});

// CodePipeline's event states are upper case and spell it CANCELED (its API's status is
// "Cancelled"); SageMaker's are PascalCase.
const TERMINAL = new Set([
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
  'SUPERSEDED',
  'CANCELED',
  'Succeeded',
  'Failed',
  'Stopped',
]);

/** "Pipeline Execution State Change" (CodePipeline) / "... Status Change" (SageMaker) ended: release the guard. */
export function executionFinished(workflow: RetrainingWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const cp = codePipelineFinished.safeParse(event);
    const sm = cp.success ? undefined : sageMakerFinished.safeParse(event);
    const parsed = cp.success
      ? {
          id: cp.data.id,
          origin: cp.data,
          target: { type: 'codepipeline' as const, name: cp.data.detail.pipeline },
          executionId: cp.data.detail['execution-id'],
          status: cp.data.detail.state,
        }
      : sm?.success
        ? {
            id: sm.data.id,
            origin: sm.data,
            // arn:aws:sagemaker:region:account:pipeline/<name>
            target: { type: 'sagemaker' as const, name: sm.data.detail.pipelineArn.split(':pipeline/')[1] ?? '' },
            executionId: sm.data.detail.pipelineExecutionArn,
            status: sm.data.detail.currentPipelineExecutionStatus,
          }
        : undefined;
    const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
    if (!parsed || !parsed.target.name) {
      logger.error('not a pipeline execution event', { id });
      await workflow.ignore(`event/${id}`, ['not a CodePipeline or SageMaker pipeline execution state change'], {});
      return;
    }
    const foreign = workflow.foreignOrigin({ account: parsed.origin.account, region: parsed.origin.region });
    if (foreign) {
      await workflow.ignore(`event/${id}`, [foreign], { pipeline: parsed.target.name });
      return;
    }
    if (!TERMINAL.has(parsed.status)) {
      logger.info('execution not finished; nothing to release', { status: parsed.status });
      return;
    }
    await workflow.onExecutionFinished(parsed.target, parsed.executionId, parsed.status, parsed.id);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await retrainingRuntime();
  return executionFinished(rt.retraining, rt.logger);
});
