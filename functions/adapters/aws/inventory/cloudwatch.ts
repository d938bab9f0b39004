import { DescribeAlarmsCommand, ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmKind, Lookup } from '../../../domain/resources';
import type { MetricQuery } from '../../../domain/resources-analysis';
import type { AlarmInventory, MetricInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

/** DescribeAlarms takes at most 100 names per call. */
const PAGE = 100;

export class CloudWatchInventory implements AlarmInventory, MetricInventory {
  constructor(private readonly client: CloudWatchClient) {}

  async alarms(names: readonly string[]): Promise<Map<string, Lookup<{ kind: AlarmKind }>>> {
    const found = new Map<string, Lookup<{ kind: AlarmKind }>>();
    for (let i = 0; i < names.length; i += PAGE) {
      const page = names.slice(i, i + PAGE);
      try {
        // Both kinds: the controller binds and checks metric and composite alarms alike.
        const out = await this.client.send(
          new DescribeAlarmsCommand({ AlarmNames: page, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
        );
        for (const a of out.MetricAlarms ?? [])
          if (a.AlarmName) found.set(a.AlarmName, { state: 'present', facts: { kind: 'MetricAlarm' } });
        for (const a of out.CompositeAlarms ?? [])
          if (a.AlarmName) found.set(a.AlarmName, { state: 'present', facts: { kind: 'CompositeAlarm' } });
        for (const n of page)
          if (!found.has(n)) found.set(n, { state: 'missing', detail: 'DescribeAlarms lists no alarm of that name' });
      } catch (error) {
        const failure = lookupFailure(error, []);
        for (const n of page) found.set(n, failure);
      }
    }
    return found;
  }

  async alarmPrefix(prefix: string): Promise<Lookup<{ count: number }>> {
    try {
      const out = await this.client.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 1,
        }),
      );
      return {
        state: 'present',
        facts: { count: (out.MetricAlarms?.length ?? 0) + (out.CompositeAlarms?.length ?? 0) },
      };
    } catch (error) {
      return lookupFailure(error, []);
    }
  }

  /**
   * ListMetrics lists a metric that received data in the last two weeks and has at least the
   * dimensions filtered on (a filter without a value matches any value); the first page tells.
   */
  async metrics(query: MetricQuery): Promise<Lookup<{ count: number }>> {
    try {
      const out = await this.client.send(
        new ListMetricsCommand({
          Namespace: query.namespace,
          MetricName: query.metricName,
          Dimensions: query.dimensions.map((d) => ({
            Name: d.name,
            ...(d.value === undefined ? {} : { Value: d.value }),
          })),
        }),
      );
      return { state: 'present', facts: { count: out.Metrics?.length ?? 0 } };
    } catch (error) {
      return lookupFailure(error, []);
    }
  }
}
