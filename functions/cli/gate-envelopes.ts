import { sample, type Where } from './envelopes';

/** Gate events built from the real AWS payloads in events/samples, changed only where needed. */

export function modelPackageEvent(
  p: { arn: string; group: string; version: number; status: string; createdAt: string },
  w: Where,
): unknown {
  const e = sample('sagemaker-model-package-state-change.json');
  Object.assign(e, { id: w.id, account: w.account, region: w.region, time: w.time, resources: [p.arn] });
  Object.assign(e.detail, {
    ModelPackageGroupName: p.group,
    ModelPackageVersion: p.version,
    ModelPackageArn: p.arn,
    CreationTime: p.createdAt,
    LastModifiedTime: w.time,
    ModelApprovalStatus: p.status,
  });
  return e;
}

/** "Action Execution State Change" of a manual approval (type as the fixtures' README documents it). */
export function approvalStartedEvent(
  a: { pipeline: string; stage: string; action: string; executionId: string },
  w: Where,
) {
  const e = sample('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json');
  Object.assign(e, {
    id: w.id,
    account: w.account,
    region: w.region,
    time: w.time,
    resources: [`arn:aws:codepipeline:${w.region}:${w.account}:${a.pipeline}`],
  });
  Object.assign(e.detail, {
    pipeline: a.pipeline,
    'execution-id': a.executionId,
    stage: a.stage,
    action: a.action,
    state: 'STARTED',
    type: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' },
  });
  delete e.detail['input-artifacts'];
  return e;
}

/**
 * An approval's SNS notification as Lambda receives it: the action's own notification (subject
 * APPROVAL NEEDED) or, with `null`, a CodeStar Notifications rule's message (no subject).
 */
export function approvalNotificationEvent(
  message: unknown,
  w: Where,
  subject: string | null = 'APPROVAL NEEDED',
): unknown {
  const e = sample('sns-envelope.json');
  const topic = `arn:aws:sns:${w.region}:${w.account}:pipeline-approvals`;
  e.Records[0].EventSubscriptionArn = `${topic}:${w.id}`;
  Object.assign(e.Records[0].Sns, {
    MessageId: w.id,
    TopicArn: topic,
    Timestamp: w.time,
    Subject: subject,
    Message: JSON.stringify(message),
  });
  if (subject === null) delete e.Records[0].Sns.Subject;
  return e;
}

export function approvalMessage(
  a: { pipeline: string; stage: string; action: string; token: string },
  w: Where,
): Record<string, unknown> {
  const m = sample('codepipeline-manual-approval.sns-message.json');
  m.region = w.region;
  m.consoleLink = `https://console.aws.amazon.com/codepipeline/home?region=${w.region}#/view/${a.pipeline}`;
  Object.assign(m.approval, {
    pipelineName: a.pipeline,
    stageName: a.stage,
    actionName: a.action,
    token: a.token,
    approvalReviewLink: `${m.consoleLink}/${a.stage}/${a.action}/approve/${a.token}`,
  });
  return m;
}
