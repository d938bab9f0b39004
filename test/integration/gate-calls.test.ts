/**
 * AWS calls per gate decision, counted by an SDK middleware on every client: the registry gate on
 * moto (SageMaker Model Registry, S3, DynamoDB, SNS), the CodePipeline gate with moto for those and
 * aws-sdk-client-mock for CodePipeline (moto lacks its approval APIs). docs/gates.md quotes these counts.
 */
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { CodePipelineApprovals } from '../../functions/adapters/aws/codepipeline-approvals';
import { DynamoClaims } from '../../functions/adapters/aws/dynamodb/claims';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { contentDigest, S3MetricReports } from '../../functions/adapters/aws/metric-reports';
import { SageMakerModelRegistry } from '../../functions/adapters/aws/model-registry';
import { toModelPackage } from '../../functions/domain/model-package';
import { SnsNotifier } from '../../functions/adapters/aws/sns';
import { validatePolicy } from '../../functions/config/policy';
import { systemClock } from '../../functions/ports/clock';
import { GateWorkflow } from '../../functions/workflows/gates';
import { recordingLogger } from '../support/memory-harness';
import { testController } from '../support/policies';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';

type Calls = string[];

/** Appends "service:Operation" for every request the client sends. */
function counted<T extends { middlewareStack: { add: (...args: never[]) => void } }>(
  client: T,
  service: string,
  calls: Calls,
): T {
  (client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      calls.push(`${service}:${(context.commandName ?? '').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: `count-${service}` },
  );
  return client;
}

async function world() {
  const calls: Calls = [];
  const sagemaker = counted(new SageMakerClient(awsClientConfig()), 'sagemaker', calls);
  const s3 = counted(new S3Client(awsClientConfig()), 's3', calls);
  const dynamo = counted(new DynamoDBClient(awsClientConfig()), 'dynamodb', calls);
  const sns = counted(new SNSClient(awsClientConfig()), 'sns', calls);
  const codepipeline = counted(
    new CodePipelineClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    'codepipeline',
    calls,
  );
  const setup = { sagemaker: new SageMakerClient(awsClientConfig()), s3: new S3Client(awsClientConfig()) };
  const group = uniqueName('churn');
  const bucket = uniqueName('reports');
  const table = uniqueName('state');
  await setup.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  await setup.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createStateTable(new DynamoDBClient(awsClientConfig()), table);
  const { TopicArn } = await new SNSClient(awsClientConfig()).send(
    new CreateTopicCommand({ Name: uniqueName('holds') }),
  );

  const policy = validatePolicy({
    version: 1,
    controller: testController,
    gates: [
      {
        name: 'churn-quality',
        modelPackageGroup: group,
        reportBuckets: [bucket],
        notifyTopicArn: TopicArn,
        checks: [
          {
            metric: 'auc',
            from: 'ModelQuality.Statistics',
            path: 'binary_classification_metrics.auc.value',
            min: 0.75,
            direction: 'higher',
            maxDegradation: 0.01,
          },
          { metric: 'f1', from: 'ModelQuality.Statistics', path: 'binary_classification_metrics.f1.value', min: 0.6 },
        ],
        approvals: [
          {
            pipeline: 'churn-deploy',
            stage: 'Approval',
            action: 'QualityGate',
            package: { variable: 'MODEL_PACKAGE_ARN' },
          },
        ],
      },
    ],
  });
  const gates = new GateWorkflow({
    policy,
    registry: new SageMakerModelRegistry(sagemaker),
    reports: new S3MetricReports(s3),
    notifier: new SnsNotifier(sns),
    approvals: new CodePipelineApprovals(codepipeline),
    claims: new DynamoClaims(dynamo, table),
    decisions: new DynamoDecisionLog(dynamo, table),
    clock: systemClock,
    logger: recordingLogger().logger,
  });

  let version = 0;
  const register = async (status: 'Approved' | 'PendingManualApproval', auc: number | null, pinned = false) => {
    version += 1;
    const key = `eval/${version}.json`;
    const body = JSON.stringify({ binary_classification_metrics: { auc: { value: auc }, f1: { value: 0.7 } } });
    if (auc !== null) await setup.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const { ModelPackageArn } = await setup.sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: status,
        ModelMetrics: {
          ModelQuality: {
            Statistics: {
              ContentType: 'application/json',
              S3Uri: `s3://${bucket}/${key}`,
              ...(pinned ? { ContentDigest: contentDigest(Buffer.from(body)) } : {}),
            },
          },
        },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    return ModelPackageArn!;
  };
  const statusOf = async (arn: string) =>
    (await setup.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).ModelApprovalStatus;
  /** The package as its "Model Package State Change" event carries it (the detail mirrors DescribeModelPackage). */
  const snapshot = async (arn: string) =>
    toModelPackage(await setup.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
  /** The registry gate as the handler calls it for that event. */
  const decide = async (arn: string, eventId: string) => {
    const event = await snapshot(arn);
    await gates.onModelPackage(arn, group, eventId, event);
  };
  return { calls, gates, group, register, statusOf, codepipeline, decide };
}

const aws = (calls: Calls) => calls.filter((c) => !c.startsWith('dynamodb:'));

describe('AWS calls per gate decision (SDK middleware counter)', () => {
  it('registry decision, cold: 7 calls (the champion is described and its report read)', async () => {
    const w = await world();
    await w.register('Approved', 0.84, true);
    const challenger = await w.register('PendingManualApproval', 0.86);
    w.calls.length = 0;
    await w.decide(challenger, 'e1');
    expect(await w.statusOf(challenger)).toBe('Approved');
    // Judged from the event while the fresh read runs: the calls overlap, so their order varies.
    expect(aws(w.calls).sort()).toEqual([
      's3:GetObject', // challenger report
      's3:GetObject', // champion report
      'sagemaker:DescribeModelPackage', // the challenger, fresh: still PendingManualApproval?
      'sagemaker:DescribeModelPackage', // the champion's report locations (then cached per container)
      'sagemaker:ListModelPackages', // the champion: newest Approved
      'sagemaker:UpdateModelPackage',
    ]);
    expect(w.calls.at(-1)).toBe('sagemaker:UpdateModelPackage');
    // The decision's record and its claim (one delivery decides a package): one write, before the update.
    expect(w.calls.filter((c) => c.startsWith('dynamodb:'))).toEqual(['dynamodb:TransactWriteItems']);
    expect(w.calls.indexOf('dynamodb:TransactWriteItems')).toBe(w.calls.length - 2);
  });

  it.each([
    [true, 5, ['s3:GetObject']],
    [false, 6, ['s3:GetObject', 's3:GetObject']],
  ])(
    'registry decision, warm, champion report pinned by ContentDigest: %s → %i calls',
    async (pinned, total, reads) => {
      const w = await world();
      await w.register('Approved', 0.84, pinned);
      const rejected = await w.register('PendingManualApproval', 0.7); // rejected: the champion stays
      const challenger = await w.register('PendingManualApproval', 0.86);
      await w.decide(rejected, 'e1');
      expect(await w.statusOf(rejected)).toBe('Rejected');
      w.calls.length = 0;
      await w.decide(challenger, 'e2');
      expect(await w.statusOf(challenger)).toBe('Approved');
      expect(w.calls.sort()).toEqual(
        [
          'dynamodb:TransactWriteItems',
          'sagemaker:DescribeModelPackage',
          'sagemaker:ListModelPackages',
          ...reads, // pinned: the cached champion report needs no call; unpinned: a conditional GET (304)
          'sagemaker:UpdateModelPackage',
        ].sort(),
      );
      expect(w.calls).toHaveLength(total);
    },
  );

  it('a HOLD costs the reads, one claim and one SNS Publish; a duplicate costs reads and a refused claim only', async () => {
    const w = await world();
    await w.register('Approved', 0.84, true);
    const missing = await w.register('PendingManualApproval', null);
    w.calls.length = 0;
    await w.decide(missing, 'e1');
    expect(w.calls.slice(0, 5).sort()).toEqual([
      's3:GetObject',
      's3:GetObject',
      'sagemaker:DescribeModelPackage',
      'sagemaker:DescribeModelPackage',
      'sagemaker:ListModelPackages',
    ]);
    expect(w.calls.slice(5)).toEqual([
      'dynamodb:PutItem', // the notification's claim
      'sns:Publish',
      'dynamodb:PutItem', // decision
    ]);
    w.calls.length = 0;
    await w.decide(missing, 'e1-again');
    expect(w.calls.filter((c) => c === 'sns:Publish')).toEqual([]);
    expect(await w.statusOf(missing)).toBe('PendingManualApproval');
  });

  it('CodePipeline decision: token, variables, the registry reads, one PutApprovalResult', async () => {
    const w = await world();
    await w.register('Approved', 0.84, true);
    const challenger = await w.register('PendingManualApproval', 0.9);
    const cp = mockClient(w.codepipeline);
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [
        {
          stageName: 'Approval',
          latestExecution: { pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a', status: 'InProgress' },
          actionStates: [
            {
              actionName: 'QualityGate',
              latestExecution: { status: 'InProgress', token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' },
            },
          ],
        },
      ],
    });
    cp.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: { variables: [{ name: 'MODEL_PACKAGE_ARN', resolvedValue: challenger }] },
    });
    cp.on(PutApprovalResultCommand).resolves({});
    w.calls.length = 0;
    await w.gates.onApprovalStarted(
      {
        pipeline: 'churn-deploy',
        stage: 'Approval',
        action: 'QualityGate',
        executionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
      },
      'e1',
    );
    cp.restore();
    // aws-sdk-client-mock answers CodePipeline before the middleware stack runs: its calls are read from the mock.
    expect(cp.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name)).toEqual([
      'GetPipelineStateCommand',
      'GetPipelineExecutionCommand',
      'PutApprovalResultCommand',
    ]);
    expect(cp.commandCalls(PutApprovalResultCommand)[0]!.args[0].input).toMatchObject({
      token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
      result: { status: 'Approved' },
    });
    expect(aws(w.calls)).toEqual([
      'sagemaker:DescribeModelPackage',
      'sagemaker:ListModelPackages',
      'sagemaker:DescribeModelPackage',
      's3:GetObject',
      's3:GetObject',
    ]);
  });
});
