import { PutMetricAlarmCommand, SetAlarmStateCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { parseAlarm } from '../../functions/parsing/alarm';
import { rollbackWorld } from '../../functions/adapters/memory/rollback-world';
import type { MemoryWorld } from '../../functions/adapters/memory/world';

/** When the rollback harnesses' clocks start. */
export const HARNESS_START = '2026-11-22T10:00:00.000Z';

interface AlarmEvent {
  time: string;
  detail: { state: { timestamp: string } };
}

/** An alarm fixture as if CloudWatch had just sent it at `at`: AWS's payload, today's times. */
export function sentAt<E extends AlarmEvent>(event: E, at: string = HARNESS_START): E {
  event.time = at.replace(/\.\d{3}Z$/, 'Z');
  event.detail.state.timestamp = at.replace(/Z$/, '+0000');
  return event;
}

/**
 * `handle`, with the memory world's alarms first set to the states the event delivers: CloudWatch
 * holds an alarm in the state it last sent, and the rollback reads it back (DescribeAlarms).
 */
export function asCloudWatchHolds<R>(
  world: MemoryWorld,
  handle: (event: unknown) => Promise<R>,
): (event: unknown) => Promise<R> {
  const alarms = rollbackWorld(world).alarms;
  return async (event) => {
    for (const c of parseAlarm(event, world.clock.now().toISOString()).commands) {
      const known = alarms.get(c.name);
      alarms.set(c.name, { state: c.state, arn: known?.arn ?? c.arn ?? `alarm:${c.name}`, tags: known?.tags ?? {} });
    }
    return handle(event);
  };
}

/** The alarms in the CloudWatch fixtures. */
export const FIXTURE_ALARMS = ['ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh', 'ServiceAggregatedAlarm'];

/** Metric alarms of these names on the emulator, each set to ALARM, as the fixtures report them. */
export async function firingOnMoto(client: CloudWatchClient, names: readonly string[] = FIXTURE_ALARMS): Promise<void> {
  for (const name of names) {
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'Fixtures',
        MetricName: name,
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await client.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'fixture' }));
  }
}
