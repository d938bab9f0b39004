/**
 * The deploymentHook function's real handler, built by hookRuntime (functions/config/rollback-runtime.ts)
 * as Lambda builds it, on moto: CodeDeploy GetDeployment, CloudWatch DescribeAlarms, SageMaker
 * DescribeModelPackage, S3 GetObject, SageMaker Runtime InvokeEndpoint and the state table (claims,
 * decisions, kill switch). moto lacks PutLifecycleEventHookExecutionStatus: that one is stubbed on the
 * runtime's own CodeDeploy clients, which records every answer the hook gave.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { handler } from '../../functions/handlers/deployment-hook';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { lambdaContext, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);
const sagemaker = new SageMakerClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const s3 = new S3Client(awsClientConfig());

const table = uniqueName('hook-lambda');
const application = uniqueName('hook-app');
const packageGroup = uniqueName('hook-pkgs');
const alarm = uniqueName('hook-latency');
const bucket = uniqueName('hook-smoke');
const endpoint = uniqueName('hook-ep');
/** What the endpoint answers the smoke request (moto's configured SageMaker Runtime result). */
const smokeAnswer = JSON.stringify({ score: 0.93, id: uniqueName('answer') });

const policy = validatePolicy({
  ...policyInput([]),
  hooks: [
    {
      application,
      deploymentGroup: 'live',
      alarms: [alarm],
      requireApprovedPackage: true,
      smoke: { endpoint, payload: `s3://${bucket}/smoke/request.json`, expectJsonKeys: ['score'] },
    },
  ],
});

let answers: ReturnType<typeof stubOnEveryClient>;
const packages: Record<'approved' | 'pending', string> = { approved: '', pending: '' };

async function registerPackage(status: 'Approved' | 'PendingManualApproval'): Promise<string> {
  const out = await sagemaker.send(
    new CreateModelPackageCommand({ ModelPackageGroupName: packageGroup, ModelApprovalStatus: status }),
  );
  return out.ModelPackageArn!;
}

async function deploymentOf(modelPackageArn: string): Promise<string> {
  const out = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      description: `model ${modelPackageArn}`,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: 'version: 0.0' } },
    }),
  );
  return out.deploymentId!;
}

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/cd',
    }),
  );
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: packageGroup }));
  packages.approved = await registerPackage('Approved');
  packages.pending = await registerPackage('PendingManualApproval');
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm,
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 500_000,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'healthy' }));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'smoke/request.json', Body: '{"features":[1,2,3]}' }));
  const queued = await fetch(`${motoEndpoint()}/moto-api/static/sagemaker/endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results: [{ Body: smokeAnswer, ContentType: 'application/json' }] }),
  });
  if (!queued.ok) throw new Error(`moto endpoint-results: ${queued.status}`);
  answers = stubOnEveryClient(
    CodeDeployClient,
    {
      PutLifecycleEventHookExecutionStatusCommand: (input: { lifecycleEventHookExecutionId: string }) => ({
        lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId,
      }),
    },
    // The runtime's clients; this file's own client has the fix already.
    (client: CodeDeployClient) => client !== codedeploy && fixMotoCodeDeployTimes(client),
  );
  runtimeOnMoto(table, policy);
});
afterAll(() => {
  answers.restore();
  for (const c of [dynamo, codedeploy, sagemaker, cloudwatch, s3]) c.destroy();
});

const hookDecisions = async (deploymentId: string) =>
  (await new DynamoDecisionLog(dynamo, table).list()).filter(
    (d) => d.kind === 'rollback.hook' && d.subject === `deployment/${deploymentId}`,
  );

const answered = () => answers.inputs.PutLifecycleEventHookExecutionStatusCommand!;

describe('the deploymentHook Lambda handler on moto', () => {
  it('answers Succeeded once the alarm is not in ALARM, the package is Approved and the smoke request answers as expected', async () => {
    const deploymentId = await deploymentOf(packages.approved);
    const hook = uniqueName('hook-ok');
    await handler({ DeploymentId: deploymentId, LifecycleEventHookExecutionId: hook }, lambdaContext('hook'));
    expect(answered().filter((a) => a.deploymentId === deploymentId)).toEqual([
      { deploymentId, lifecycleEventHookExecutionId: hook, status: 'Succeeded' },
    ]);
    const [decision] = await hookDecisions(deploymentId);
    expect(decision).toEqual(expect.objectContaining({ outcome: 'SUCCEEDED' }));
    expect(decision!.inputs.results).toEqual([
      expect.objectContaining({ check: 'alarms', outcome: 'PASS' }),
      expect.objectContaining({ check: 'package', outcome: 'PASS', detail: `${packages.approved} is Approved` }),
      expect.objectContaining({ check: 'smoke', outcome: 'PASS' }),
    ]);
  });

  it('a second delivery of the same hook execution is recorded DUPLICATE and not answered again', async () => {
    const deploymentId = await deploymentOf(packages.approved);
    const hook = uniqueName('hook-twice');
    const event = { DeploymentId: deploymentId, LifecycleEventHookExecutionId: hook };
    await handler(event, lambdaContext('hook'));
    await handler(event, lambdaContext('hook'));
    expect(answered().filter((a) => a.deploymentId === deploymentId)).toHaveLength(1);
    expect((await hookDecisions(deploymentId)).map((d) => d.outcome).sort()).toEqual(['DUPLICATE', 'SUCCEEDED']);
  });

  it('answers Failed for a deployment whose package is still pending approval (the kill switch, read first, is off)', async () => {
    const deploymentId = await deploymentOf(packages.pending);
    const hook = uniqueName('hook-pending');
    await handler({ DeploymentId: deploymentId, LifecycleEventHookExecutionId: hook }, lambdaContext('hook'));
    expect(answered().filter((a) => a.deploymentId === deploymentId)).toEqual([
      { deploymentId, lifecycleEventHookExecutionId: hook, status: 'Failed' },
    ]);
    const [decision] = await hookDecisions(deploymentId);
    expect(decision).toEqual(expect.objectContaining({ outcome: 'FAILED' }));
    expect(decision!.inputs.results).toContainEqual(
      expect.objectContaining({
        check: 'package',
        outcome: 'FAIL',
        detail: `${packages.pending} is PendingManualApproval`,
      }),
    );
  });
});
