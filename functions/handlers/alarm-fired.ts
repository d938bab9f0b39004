import { isScheduledTick, parseAlarm } from '../parsing/alarm';
import type { Logger } from '../ports/logger';
import type { RollbackWorkflow } from '../workflows/rollback';
import { lambdaHandler } from '../config/runtime';
import { alarmRuntime } from '../config/rollback-runtime';

/**
 * CloudWatch alarm state changes (EventBridge, the alarm's direct Lambda action, SNS) → rollback,
 * freeze or a retraining request (the sweeper starts it); the schedule's tick re-checks Updating
 * endpoints and thaws freezes.
 */
export function alarmFired(workflow: RollbackWorkflow, logger: Logger, now: () => Date = () => new Date()) {
  return async (event: unknown): Promise<void> => {
    if (isScheduledTick(event)) return workflow.tick();
    const { commands, invalid } = parseAlarm(event, now().toISOString());
    for (const { reason } of invalid) {
      logger.error('not an alarm state change; ignored', { problem: reason });
      await workflow.ignore('alarm/unknown', [reason], {});
    }
    for (const change of commands) await workflow.onAlarm(change);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await alarmRuntime();
  return alarmFired(rt.rollback, rt.logger);
});
