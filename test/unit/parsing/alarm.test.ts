import { isScheduledTick, parseAlarm } from '../../../functions/parsing/alarm';
import { loadFixture } from '../../support/fixtures';

const NOW = '2026-11-22T10:00:00.000Z';

describe('parseAlarm', () => {
  it.each([
    ['cloudwatch-alarm-state-change.single-metric', 'ServerCpuTooHigh', 'OK', '2019-10-02T17:04:40.989Z'],
    [
      'cloudwatch-alarm-state-change.metric-math',
      'TotalNetworkTrafficTooHigh',
      'INSUFFICIENT_DATA',
      '2019-10-02T17:20:48.554Z',
    ],
    [
      'cloudwatch-alarm-state-change.composite-with-suppressor',
      'ServiceAggregatedAlarm',
      'OK',
      '2022-07-22T15:57:45.394Z',
    ],
  ])('reads the EventBridge %s event', (fixture, name, previous, since) => {
    const e = loadFixture(fixture);
    const { commands: changes, invalid } = parseAlarm(e, NOW);
    expect(invalid).toEqual([]);
    expect(changes).toEqual([
      expect.objectContaining({
        id: e.id,
        via: 'eventbridge',
        name,
        state: 'ALARM',
        previous,
        since,
        account: '123456789012',
        region: 'us-east-1',
        arn: e.resources[0],
      }),
    ]);
  });

  it("reads the alarm's direct Lambda action, which carries the same alarm data without an event id", () => {
    const detail = loadFixture('cloudwatch-alarm-state-change.single-metric').detail;
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh';
    const event = {
      source: 'aws.cloudwatch',
      alarmArn: arn,
      accountId: '123456789012',
      time: '2019-10-02T17:04:40.989+0000',
      region: 'us-east-1',
      alarmData: detail,
    };
    const [change] = parseAlarm(event, NOW).commands;
    expect(change).toEqual(
      expect.objectContaining({
        via: 'lambda-action',
        name: 'ServerCpuTooHigh',
        state: 'ALARM',
        account: '123456789012',
      }),
    );
    // Two copies of one transition get the same id.
    expect(parseAlarm(structuredClone(event), NOW).commands[0]!.id).toBe(change!.id);
  });

  it('reads SNS alarm notifications and takes the region code from the alarm ARN', () => {
    const envelope = {
      Records: [
        {
          Sns: {
            MessageId: 'm-1',
            Timestamp: '2026-11-22T09:59:00.000Z',
            Message: JSON.stringify({
              AlarmName: 'churn-errors',
              AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:churn-errors',
              AWSAccountId: '123456789012',
              NewStateValue: 'ALARM',
              OldStateValue: 'OK',
              NewStateReason: 'threshold crossed',
              StateChangeTime: '2026-11-22T09:58:00.000+0000',
              Region: 'EU (Ireland)',
            }),
          },
        },
      ],
    };
    expect(parseAlarm(envelope, NOW).commands).toEqual([
      expect.objectContaining({
        id: 'm-1',
        via: 'sns',
        name: 'churn-errors',
        region: 'eu-west-1',
        previous: 'OK',
        since: '2026-11-22T09:58:00.000Z',
      }),
    ]);
  });

  it.each([
    ['a non-object', 'nope', /not an object/],
    ['an S3 event', loadFixture('s3-object-created.eventbridge'), /not a CloudWatch alarm/],
    [
      'an SNS message that is not an alarm',
      { Records: [{ Sns: { Message: '{"x":1}' } }] },
      /not a CloudWatch alarm notification/,
    ],
    ['an SNS message that is not JSON', { Records: [{ Sns: { Message: 'hello' } }] }, /not JSON/],
    [
      'an alarm event without state',
      (() => {
        const e = loadFixture('cloudwatch-alarm-state-change.single-metric');
        delete e.detail.state;
        return e;
      })(),
      /state.value/,
    ],
  ])('reports %s as invalid', (_what, event, problem) => {
    const r = parseAlarm(event, NOW);
    expect(r.commands).toEqual([]);
    expect(r.invalid.map((i) => i.reason)).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ['the alarm schedule', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, true],
    ['an alarm change', loadFixture('cloudwatch-alarm-state-change.single-metric'), false],
    ['a non-object', 'tick', false],
  ])('tells the timer from alarm changes: %s', (_what, event, tick) => {
    expect(isScheduledTick(event)).toBe(tick);
  });
});
