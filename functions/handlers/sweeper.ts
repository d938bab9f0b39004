import type { RetrainingWorkflow } from '../workflows/retraining';
import { lambdaHandler } from '../config/runtime';
import { retrainingRuntime } from '../config/retraining-runtime';

/**
 * Runs every minute (EventBridge schedule). A schedule, not one EventBridge Scheduler entry per
 * batch: creating a schedule per arriving object would cost an API call per object, while one sweep
 * a minute costs a few reads per rule and also serves as the recovery loop for interrupted work.
 * It also starts the retraining alarms asked for (rollback bindings with `retrain`).
 */
export function sweeper(workflow: RetrainingWorkflow) {
  return async (): Promise<void> => {
    await workflow.sweep();
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await retrainingRuntime();
  return sweeper(rt.retraining);
});
