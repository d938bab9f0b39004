import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarms } from '../../../../functions/adapters/aws/cloudwatch';
import { awsClientConfig, uniqueName } from '../../../support/aws';

describe('CloudWatchAlarms (moto)', () => {
  const client = new CloudWatchClient(awsClientConfig());
  const quiet = uniqueName('quiet');
  const firing = uniqueName('firing');
  afterAll(() => client.destroy());

  beforeAll(async () => {
    for (const name of [quiet, firing])
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'Churn',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          Tags: [{ Key: 'model', Value: 'ranking' }],
        }),
      );
    await client.send(new SetAlarmStateCommand({ AlarmName: firing, StateValue: 'ALARM', StateReason: 'test' }));
  });

  it('reads the state of each named alarm; unknown names are absent', async () => {
    const states = await new CloudWatchAlarms(client).states([quiet, firing, 'no-such-alarm']);
    expect(Object.fromEntries(states)).toEqual({ [quiet]: 'OK', [firing]: 'ALARM' });
  });

  it("reads an alarm's tags by ARN", async () => {
    const tags = await new CloudWatchAlarms(client).tags(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${quiet}`);
    expect(tags).toEqual({ model: 'ranking' });
  });
});
