import { parseAlarmDeliveries } from '../domain/alarms';
import type { Logger } from '../ports/logger';
import type { RollbackWorkflow } from '../workflows/rollback';
import { lambdaHandler } from '../config/runtime';
import { alarmRuntime } from '../config/rollback-runtime';

const isTick = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>).source === 'aws.events' &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/**
 * CloudWatch alarm state changes (EventBridge, the alarm's direct Lambda action, SNS) → rollback,
 * freeze or a retraining request (the sweeper starts it); the schedule's tick re-checks Updating
 * endpoints and thaws freezes.
 */
export function alarmFired(workflow: RollbackWorkflow, logger: Logger, now: () => Date = () => new Date()) {
  return async (event: unknown): Promise<void> => {
    if (isTick(event)) return workflow.tick();
    const parsed = parseAlarmDeliveries(event, now().toISOString());
    for (const problem of parsed.invalid) {
      logger.error('not an alarm state change; ignored', { problem });
      await workflow.ignore('alarm/unknown', [problem], {});
    }
    for (const change of parsed.changes) await workflow.onAlarm(change);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await alarmRuntime();
  return alarmFired(rt.rollback, rt.logger);
});
