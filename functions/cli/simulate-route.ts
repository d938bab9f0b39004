import type { Where } from './envelopes';
import { approvalNotificationEvent } from './gate-envelopes';
import type { FunctionName } from './simulate-schema';
import type { Delivery } from './simulate-world';

const parseJson = (text: unknown): Record<string, unknown> | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** A CodePipeline manual-approval notification body, or a CodeStar Notifications message about a pipeline. */
const isApprovalMessage = (m: Record<string, unknown> | undefined): boolean =>
  !!m &&
  ((typeof m.approval === 'object' && m.approval !== null) ||
    (typeof m.notificationRuleArn === 'string' && m.source === 'aws.codepipeline'));

/**
 * The function AWS would deliver an event file to, by the rules and subscriptions serverless.yml
 * sets up; undefined when none receives it. A file holding only an SNS message body (a
 * manual-approval notification, a CodeStar notification) is delivered as SNS delivers it.
 */
export function routeEvent(event: Record<string, unknown>, where: () => Where): Omit<Delivery, 'label'> | undefined {
  const type = String(event['detail-type'] ?? '');
  if (typeof event.LifecycleEventHookExecutionId === 'string') return { fn: 'deploymentHook', event };
  if (event.source === 'aws.cloudwatch' || event.alarmData) return { fn: 'alarmRollback', event };
  if (isApprovalMessage(event)) {
    const subject = typeof event.approval === 'object' ? 'APPROVAL NEEDED' : null;
    return { fn: 'approvalGate', event: approvalNotificationEvent(event, where(), subject) };
  }
  const byType: Record<string, FunctionName> = {
    'Object Created': 'dataArrived',
    'SageMaker Model Package State Change': 'registryGate',
    'CodePipeline Action Execution State Change': 'approvalGate',
    'CodePipeline Stage Execution State Change': 'stageRetry',
    'CodePipeline Pipeline Execution State Change': 'executionFinished',
    'SageMaker Model Building Pipeline Execution Status Change': 'executionFinished',
  };
  if (byType[type]) return { fn: byType[type], event };
  if (type.startsWith('SageMaker Endpoint')) return { fn: 'endpointTracker', event };
  const records = event.Records as Array<Record<string, unknown> & { Sns?: { Message?: unknown } }> | undefined;
  const first = records?.[0];
  if (!first) return undefined;
  if (first.Sns) {
    const message = parseJson(first.Sns.Message);
    if (isApprovalMessage(message)) return { fn: 'approvalGate', event };
    if (typeof message?.AlarmName === 'string') return { fn: 'alarmRollback', event };
    return { fn: 'dataArrived', event };
  }
  // The data queue (SQS) and S3 bucket notifications.
  if (first.eventSource === 'aws:sqs' || first.eventSource === 'aws:s3') return { fn: 'dataArrived', event };
  return undefined;
}
