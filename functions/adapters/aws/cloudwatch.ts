import { DescribeAlarmsCommand, ListTagsForResourceCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AwsCallError } from '../../domain/errors';
import type { Alarms } from '../../ports/alarms';

/** DescribeAlarms takes at most 100 names per call. */
const PAGE = 100;

export class CloudWatchAlarms implements Alarms {
  constructor(private readonly client: CloudWatchClient) {}

  async states(names: readonly string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    for (let i = 0; i < names.length; i += PAGE) {
      try {
        const out = await this.client.send(
          new DescribeAlarmsCommand({
            AlarmNames: names.slice(i, i + PAGE),
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          }),
        );
        for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])])
          if (a.AlarmName && a.StateValue) states.set(a.AlarmName, a.StateValue);
      } catch (error) {
        throw new AwsCallError('cloudwatch', 'DescribeAlarms', error);
      }
    }
    return states;
  }

  async tags(alarmArn: string): Promise<Record<string, string>> {
    try {
      const out = await this.client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
      return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (error) {
      throw new AwsCallError('cloudwatch', 'ListTagsForResource', error);
    }
  }
}
