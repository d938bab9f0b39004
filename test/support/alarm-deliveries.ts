/**
 * The other two shapes an alarm's EventBridge "CloudWatch Alarm State Change" arrives in: the
 * alarm's direct Lambda action (`alarmData`) and its SNS notification, built from the same event so
 * that all three carry one alarm transition.
 */
export const direct = (e: any) => ({
  source: 'aws.cloudwatch',
  alarmArn: e.resources[0],
  accountId: e.account,
  time: e.detail.state.timestamp,
  region: e.region,
  alarmData: e.detail,
});
export const viaSns = (e: any) => ({
  Records: [
    {
      Sns: {
        MessageId: `sns-${e.id}`,
        Timestamp: e.time,
        Message: JSON.stringify({
          AlarmName: e.detail.alarmName,
          AlarmArn: e.resources[0],
          AWSAccountId: e.account,
          NewStateValue: e.detail.state.value,
          OldStateValue: e.detail.previousState.value,
          NewStateReason: e.detail.state.reason,
          StateChangeTime: e.detail.state.timestamp,
        }),
      },
    },
  ],
});
