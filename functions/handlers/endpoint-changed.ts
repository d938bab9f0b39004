import { parseEndpointChange } from '../parsing/sagemaker';
import type { Logger } from '../ports/logger';
import type { RollbackWorkflow } from '../workflows/rollback';
import { lambdaHandler } from '../config/runtime';
import { endpointRuntime } from '../config/rollback-runtime';

/** SageMaker endpoint (deployment) state changes: the controller learns which configs went InService. */
export function endpointChanged(workflow: RollbackWorkflow, logger: Logger, now: () => Date = () => new Date()) {
  return async (event: unknown): Promise<void> => {
    const { commands, invalid } = parseEndpointChange(event, now().toISOString());
    for (const { origin, reason } of invalid) {
      logger.error('not a SageMaker endpoint state change; ignored', { id: origin.id });
      await workflow.ignore(`event/${origin.id}`, [reason], {});
    }
    for (const sighting of commands) await workflow.onEndpoint(sighting);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await endpointRuntime();
  return endpointChanged(rt.rollback, rt.logger);
});
