/**
 * The registryGate and approvalGate functions' real handlers, built by gatesRuntime
 * (functions/config/gates-runtime.ts) as Lambda builds them, guarded (kill switch, decisions) on
 * moto: the Model Registry, the metric reports in S3 and the state table. moto implements none of
 * CodePipeline's approval APIs: GetPipelineState, GetPipelineExecution and PutApprovalResult are
 * stubbed on the runtime's own CodePipeline client.
 */
import { randomUUID } from 'node:crypto';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { handler as approvalRequested } from '../../functions/handlers/approval-requested';
import { handler as modelRegistered } from '../../functions/handlers/model-registered';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { lambdaContext, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { testController } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const s3 = new S3Client(awsClientConfig());
const table = uniqueName('gates-lambda');
const group = uniqueName('churn');
const bucket = uniqueName('reports');
const pipeline = uniqueName('churn-deploy');

const policy = validatePolicy({
  version: 1,
  controller: testController,
  gates: [
    {
      name: 'churn-quality',
      modelPackageGroup: group,
      reportBuckets: [bucket],
      checks: [
        { metric: 'auc', from: 'ModelQuality.Statistics', path: 'binary_classification_metrics.auc.value', min: 0.75 },
      ],
      approvals: [{ pipeline, stage: 'Approval', action: 'QualityGate', package: { variable: 'MODEL_PACKAGE_ARN' } }],
    },
  ],
});

/** What the stubbed GetPipelineState / GetPipelineExecution answer for the approval under test. */
const pending = { executionId: '', token: '', packageArn: '' };
let codepipeline: ReturnType<typeof stubOnEveryClient>;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  codepipeline = stubOnEveryClient(CodePipelineClient, {
    GetPipelineStateCommand: () => ({
      pipelineName: pipeline,
      stageStates: [
        {
          stageName: 'Approval',
          latestExecution: { pipelineExecutionId: pending.executionId, status: 'InProgress' },
          actionStates: [
            { actionName: 'QualityGate', latestExecution: { status: 'InProgress', token: pending.token } },
          ],
        },
      ],
    }),
    GetPipelineExecutionCommand: () => ({
      pipelineExecution: {
        pipelineName: pipeline,
        pipelineExecutionId: pending.executionId,
        variables: [{ name: 'MODEL_PACKAGE_ARN', resolvedValue: pending.packageArn }],
      },
    }),
    PutApprovalResultCommand: () => ({ approvedAt: new Date() }),
  });
  runtimeOnMoto(table, policy);
});
afterAll(() => {
  codepipeline.restore();
  for (const c of [dynamo, sagemaker, s3]) c.destroy();
});

/** A package pending approval whose ModelQuality report (in S3) gives `auc`. */
async function register(auc: number): Promise<string> {
  const key = `eval/${randomUUID()}.json`;
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify({ binary_classification_metrics: { auc: { value: auc } } }),
    }),
  );
  const { ModelPackageArn } = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelMetrics: {
        ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `s3://${bucket}/${key}` } },
      },
    }),
  );
  return ModelPackageArn!;
}

const describe_ = (arn: string) => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
const decisions = async (kind: string, subject: string) =>
  (await new DynamoDecisionLog(dynamo, table).list()).filter((d) => d.kind === kind && d.subject.startsWith(subject));

describe('the gate Lambda handlers on moto', () => {
  it('registryGate approves a package that passes its checks, committed under the kill switch check', async () => {
    const arn = await register(0.86);
    const { $metadata: _, ...described } = await describe_(arn);
    const event = loadFixture('sagemaker-model-package-state-change');
    // The event's detail mirrors DescribeModelPackage (times as strings, as EventBridge carries them).
    await modelRegistered(
      {
        ...event,
        id: randomUUID(),
        region: 'us-east-1',
        resources: [arn],
        detail: JSON.parse(JSON.stringify(described)),
      },
      lambdaContext('registry-gate'),
    );
    expect((await describe_(arn)).ModelApprovalStatus).toBe('Approved');
    expect(await decisions('gate.registry', arn)).toEqual([
      expect.objectContaining({
        outcome: 'APPROVE',
        actions: [expect.objectContaining({ operation: 'UpdateModelPackage', status: 'taken' })],
      }),
    ]);
  });

  it('approvalGate answers the bound approval Approved for the package the execution names', async () => {
    pending.executionId = randomUUID();
    pending.token = randomUUID();
    pending.packageArn = await register(0.9);
    const event = loadFixture('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired');
    await approvalRequested(
      {
        ...event,
        id: randomUUID(),
        resources: [`arn:aws:codepipeline:us-east-1:123456789012:${pipeline}`],
        detail: {
          ...event.detail,
          pipeline,
          'execution-id': pending.executionId,
          stage: 'Approval',
          action: 'QualityGate',
          state: 'STARTED',
          type: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' },
          'input-artifacts': [],
        },
      },
      lambdaContext('approval-gate'),
    );
    expect(codepipeline.inputs.PutApprovalResultCommand).toEqual([
      expect.objectContaining({
        pipelineName: pipeline,
        stageName: 'Approval',
        actionName: 'QualityGate',
        token: pending.token,
        result: expect.objectContaining({ status: 'Approved' }),
      }),
    ]);
    // The gate answers CodePipeline; the package's own status is the registry gate's to set.
    expect((await describe_(pending.packageArn)).ModelApprovalStatus).toBe('PendingManualApproval');
    expect(await decisions('gate.approval', `${pipeline}/Approval/QualityGate`)).toEqual([
      expect.objectContaining({
        outcome: 'APPROVE',
        actions: [expect.objectContaining({ operation: 'PutApprovalResult', status: 'taken' })],
      }),
    ]);
  });
});
