import { sample, type Where } from './envelopes';

/** Rollback events built from the real AWS payloads in events/samples, changed only where needed. */

export type AlarmVia = 'eventbridge' | 'lambda-action' | 'sns';
export type AlarmKind = 'single-metric' | 'metric-math' | 'composite';

const ALARM_SAMPLES: Record<AlarmKind, string> = {
  'single-metric': 'cloudwatch-alarm-state-change.single-metric.json',
  'metric-math': 'cloudwatch-alarm-state-change.metric-math.json',
  composite: 'cloudwatch-alarm-state-change.composite-with-suppressor.json',
};

export const alarmArn = (w: Pick<Where, 'region' | 'account'>, name: string): string =>
  `arn:aws:cloudwatch:${w.region}:${w.account}:alarm:${name}`;

/** The EventBridge alarm event with the name/state changed; the other vias carry the same alarm data. */
export function alarmEvent(
  a: { name: string; state: string; via: AlarmVia; kind: AlarmKind },
  w: Where,
  previous = 'OK',
): unknown {
  const e = sample(ALARM_SAMPLES[a.kind]);
  const arn = alarmArn(w, a.name);
  const stamp = w.time.replace('Z', '+0000');
  Object.assign(e, { id: w.id, account: w.account, region: w.region, time: w.time, resources: [arn] });
  e.detail.alarmName = a.name;
  e.detail.state.value = a.state;
  e.detail.state.timestamp = stamp;
  e.detail.previousState.value = previous;
  if (a.via === 'eventbridge') return e;
  if (a.via === 'lambda-action')
    // The alarm's direct Lambda action (CloudWatch user guide, "Invoke a Lambda function from an alarm").
    return {
      source: 'aws.cloudwatch',
      alarmArn: arn,
      accountId: w.account,
      time: stamp,
      region: w.region,
      alarmData: e.detail,
    };
  const envelope = sample('sns-envelope.json');
  envelope.Records[0].Sns = {
    ...envelope.Records[0].Sns,
    MessageId: w.id,
    Subject: `ALARM: "${a.name}" in ${w.region}`,
    Timestamp: w.time,
    // The alarm notification CloudWatch publishes to SNS.
    Message: JSON.stringify({
      AlarmName: a.name,
      AlarmArn: arn,
      AWSAccountId: w.account,
      NewStateValue: a.state,
      NewStateReason: e.detail.state.reason,
      StateChangeTime: stamp,
      OldStateValue: e.detail.previousState?.value,
    }),
  };
  return envelope;
}

/** "SageMaker Endpoint State Change" (its `time` is epoch milliseconds as a string, as captured). */
export function endpointEvent(e: { name: string; config: string; status: string }, w: Where): unknown {
  const event = sample('sagemaker-endpoint-state-change.json');
  Object.assign(event, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: String(Date.parse(w.time)),
    resources: [`arn:aws:sagemaker:${w.region}:${w.account}:endpoint/${e.name.toLowerCase()}`],
  });
  Object.assign(event.detail, { EndpointName: e.name, EndpointConfigName: e.config, EndpointStatus: e.status });
  return event;
}

/** What CodeDeploy invokes a lifecycle hook with: only the two ids. */
export function hookEvent(deployment: string, execution: string): unknown {
  const event = sample('codedeploy-lifecycle-hook.lambda.powertools.json');
  event.DeploymentId = deployment;
  event.LifecycleEventHookExecutionId = execution;
  return event;
}

export function stageFailedEvent(s: { pipeline: string; stage: string; executionId: string }, w: Where): unknown {
  const event = sample('codepipeline-stage-execution-state-change.stopped.json');
  Object.assign(event, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: w.time,
    resources: [`arn:aws:codepipeline:${w.region}:${w.account}:${s.pipeline}`],
  });
  Object.assign(event.detail, {
    pipeline: s.pipeline,
    stage: s.stage,
    'execution-id': s.executionId,
    state: 'FAILED',
  });
  return event;
}

/** The EventBridge rules' scheduled event that drives the rollback tick. */
export const scheduledEvent = (time: string): unknown => ({
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  id: 'tick',
  time,
});
