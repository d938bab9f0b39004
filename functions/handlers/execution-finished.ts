import { parseExecutionStateChange } from '../parsing/pipeline-execution';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { lambdaHandler } from '../config/runtime';
import { retrainingRuntime } from '../config/retraining-runtime';
import { failureReaders } from '../config/failure-readers';

/** "Pipeline Execution State Change" (CodePipeline) / "... Status Change" (SageMaker) ended: release the guard. */
export function executionFinished(workflow: RetrainingWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const { commands, invalid } = parseExecutionStateChange(event);
    for (const { origin, reason } of invalid) {
      logger.error('not a pipeline execution event', { id: origin.id });
      await workflow.ignore(`event/${origin.id}`, [reason], {});
    }
    for (const e of commands) {
      const foreign = workflow.foreignOrigin(e.origin);
      if (foreign) await workflow.ignore(`event/${e.id}`, [foreign], { pipeline: e.target.name });
      else if (!e.ended) logger.info('execution not finished; nothing to release', { status: e.status });
      else await workflow.onExecutionFinished(e.target, e.executionId, e.status, e.id);
    }
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await retrainingRuntime(failureReaders);
  return executionFinished(rt.retraining, rt.logger);
});
