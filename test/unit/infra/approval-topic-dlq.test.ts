import { createRequire } from 'node:module';
import { unwrap } from '../../../functions/cli/redrive';
import { loadFixture } from '../../support/fixtures';
import { gateInput, gatesPolicy } from '../../support/gates-harness';

const require = createRequire(import.meta.url);
const gatesIam = require('../../../infra/gates-iam.cjs') as {
  resources(policy: unknown): Record<string, { Type: string; Properties: Record<string, any> }>;
};

const topics = ['arn:aws:sns:us-east-1:123456789012:deploy-approvals', 'arn:aws:sns:us-east-1:123456789012:other'];
const binding = (pipeline: string, notificationTopicArn?: string) => ({
  pipeline,
  stage: 'Approval',
  action: 'QualityGate',
  package: { variable: 'ARN' },
  ...(notificationTopicArn ? { notificationTopicArn } : {}),
});

describe('approval-topic subscriptions dead-letter (infra/gates-iam.cjs)', () => {
  const resources = gatesIam.resources(
    gatesPolicy(gateInput({ approvals: [binding('a', topics[0]), binding('b', topics[1]), binding('c', topics[0])] })),
  );

  it('gives every approval-topic subscription a redrive policy to ApprovalTopicDLQ', () => {
    const subscriptions = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((s) => s.Properties.TopicArn)).toEqual(topics);
    for (const s of subscriptions)
      expect(s.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'Arn'] },
      });
    expect(resources.ApprovalTopicDLQ).toEqual(
      expect.objectContaining({ Type: 'AWS::SQS::Queue', DeletionPolicy: 'Delete' }),
    );
    expect(resources.ApprovalTopicDLQ!.Properties.MessageRetentionPeriod).toBe(1209600);
  });

  it('admits SNS into the DLQ from exactly those topics', () => {
    const policy = resources.ApprovalTopicDLQPolicy!.Properties;
    expect(policy.Queues).toEqual([{ Ref: 'ApprovalTopicDLQ' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': topics } },
      }),
    ]);
  });

  it('alarms as soon as the DLQ holds a message, like the other DLQs', () => {
    expect(resources.ApprovalTopicDLQNotEmptyAlarm!.Properties).toEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('creates no DLQ when no approval topic is subscribed', () => {
    const none = gatesIam.resources(gatesPolicy(gateInput({ approvals: [binding('a')] })));
    expect(Object.keys(none).filter((k) => k.startsWith('ApprovalTopic'))).toEqual([]);
  });

  it('redrive sends an approval notification from that DLQ back to the approval gate', () => {
    const message = JSON.stringify(loadFixture('codepipeline-manual-approval.sns-message.json'));
    const body = {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: topics[0],
      Subject: 'APPROVAL NEEDED',
      Message: message,
      Timestamp: '2026-11-22T08:00:00.000Z',
    };
    const unwrapped = unwrap(
      { MessageId: 'q-1', Body: JSON.stringify(body) },
      'arn:aws:sqs:us-east-1:123456789012:dlq',
    );
    expect(unwrapped.fn).toBe('approvalGate');
    expect((unwrapped.event as { Records: Array<{ Sns: { Message: string } }> }).Records[0]!.Sns.Message).toBe(message);
  });
});
