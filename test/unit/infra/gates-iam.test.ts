import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gatesPolicy, gateInput } from '../../support/gates-harness';

const require = createRequire(import.meta.url);
const gatesIam = require('../../../infra/gates-iam.cjs') as {
  resources(policy: unknown): Record<string, { Type: string; Properties: Record<string, any> }>;
  patterns(policy: unknown, read: (file: string) => unknown): Record<string, any>;
};
const readPattern = (file: string) => JSON.parse(readFileSync(`events/${file}`, 'utf8'));
const statements = (resources: ReturnType<typeof gatesIam.resources>, role: string) =>
  resources[role]!.Properties.Policies[0].PolicyDocument.Statement as Array<{
    Sid: string;
    Action: string[];
    Resource: unknown;
  }>;

describe('infra/gates-iam.cjs', () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:pipeline-approvals';
  const policy = gatesPolicy(
    gateInput({
      approvals: [
        {
          pipeline: 'churn-deploy',
          stage: 'Approval',
          action: 'QualityGate',
          package: { variable: 'ARN' },
          notificationTopicArn: topic,
        },
      ],
    }),
  );
  const resources = gatesIam.resources(policy);

  it('scopes the registry gate to its groups\u2019 packages, its report buckets and its topic, and gives it no CodePipeline', () => {
    const byId = Object.fromEntries(statements(resources, 'RegistryGateRole').map((s) => [s.Sid, s]));
    expect(byId.ModelRegistry!.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/churn-models/*' },
    ]);
    expect(byId.ReadMetricReports!.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::reports/*' }]);
    expect(byId.NotifyHolds!.Resource).toEqual(['arn:aws:sns:us-east-1:123456789012:ml-approvals']);
    expect(Object.keys(byId)).not.toContain('AnswerBoundApprovals');
  });

  it('gives the approval gate no package update and no table delete: it answers approvals and records, it commits nothing', () => {
    // Only the registry gate sets a package's status (UpdateModelPackage) and gives a committed
    // decision's claim back (the Delete of its transaction); the approval gate claims HOLD notices and
    // records decisions (PutItem), and reads packages.
    const byId = Object.fromEntries(statements(resources, 'ApprovalGateRole').map((s) => [s.Sid, s]));
    expect(byId.ModelRegistry!.Action).toEqual(['sagemaker:DescribeModelPackage']);
    expect(byId.StateTable!.Action).toEqual(['dynamodb:PutItem']);
    const registry = Object.fromEntries(statements(resources, 'RegistryGateRole').map((s) => [s.Sid, s]));
    expect(registry.ModelRegistry!.Action).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage']);
    expect(registry.StateTable!.Action).toEqual(['dynamodb:PutItem', 'dynamodb:DeleteItem']);
  });

  it('uses Resource "*" only for ListModelPackages, which has no resource type', () => {
    for (const role of ['RegistryGateRole', 'ApprovalGateRole'])
      expect(
        statements(resources, role)
          .filter((s) => s.Resource === '*')
          .map((s) => s.Action),
      ).toEqual([['sagemaker:ListModelPackages']]);
  });

  it('lets the approval gate answer only the bound pipeline/stage/action', () => {
    const answer = statements(resources, 'ApprovalGateRole').find((s) => s.Sid === 'AnswerBoundApprovals')!;
    expect(answer).toEqual({
      Sid: 'AnswerBoundApprovals',
      Effect: 'Allow',
      Action: ['codepipeline:PutApprovalResult'],
      Resource: [
        {
          'Fn::Sub':
            'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:churn-deploy/Approval/QualityGate',
        },
      ],
    });
  });

  it('subscribes the approval gate to the approval-notification topic the policy names', () => {
    expect(resources.ApprovalTopicSubscription0).toEqual({
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: topic,
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['ApprovalGateLambdaFunction', 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'Arn'] } },
      },
    });
    expect(resources.ApprovalTopicPermission0!.Properties).toMatchObject({
      Principal: 'sns.amazonaws.com',
      SourceArn: topic,
    });
  });

  it('narrows the rules to the gated groups and bound pipelines, and disables them when there are none', () => {
    const p = gatesIam.patterns(policy, readPattern);
    expect(p.registryGate.detail).toEqual({
      ModelApprovalStatus: ['PendingManualApproval'],
      ModelPackageGroupName: ['churn-models'],
    });
    expect(p.approvalGate.detail).toEqual({
      state: ['STARTED'],
      type: { category: ['Approval'] },
      pipeline: ['churn-deploy'],
    });
    expect([p.registryGateEnabled, p.approvalGateEnabled]).toEqual([true, true]);
    const none = gatesIam.patterns({ gates: [] }, readPattern);
    expect([none.registryGateEnabled, none.approvalGateEnabled]).toEqual([false, false]);
  });
});
