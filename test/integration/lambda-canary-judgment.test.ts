/**
 * Canary judgment on the alarm function's rollback tick, as Lambda runs it: the exported `handler`
 * on the runtime of functions/config/rollback-runtime.ts against moto's CodeDeploy, CloudWatch,
 * SageMaker and DynamoDB. Three Lambda groups each have a canary deployment in flight, judged on
 * Duration series per ExecutedVersion (Lambda's dimensions) put into moto's CloudWatch: one drifting (FAIL: stopped,
 * its package rejected), one noisy but equal (PASS), one starved (NODATA).
 *
 * What moto cannot do is stood in for on the runtime's clients only: moto's CodeDeploy has no
 * StopDeployment (answered), and it stamps a deployment with the time the test created it, so the
 * canary deployments are reported created 40 minutes ago (the judgment's window starts at the
 * canary's creation).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { validatePolicy } from '../../functions/config/policy';
import { handler as alarmFired } from '../../functions/handlers/alarm-fired';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { lambdaContext, onEveryClient, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import {
  backdate,
  canaryDeployment,
  decisionsOf,
  latencyMetric,
  putSeries,
  rollbackTick,
} from '../support/canary-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);

const table = uniqueName('canary-judgment');
const context = lambdaContext('alarm-rollback');
const SHAPES = ['drifting', 'equal', 'starved'] as const;
type Shape = (typeof SHAPES)[number];
const apps = Object.fromEntries(SHAPES.map((s) => [s, uniqueName(`churn-${s}`)])) as Record<Shape, string>;
const functions = Object.fromEntries(SHAPES.map((s) => [s, uniqueName(`predict-${s}`)])) as Record<Shape, string>;
const deployments = {} as Record<Shape, string>;
const BACKDATED_MS = 40 * 60_000;
let packageArn: string;
let stops: ReturnType<typeof stubOnEveryClient>;
let restoreCloudWatch: () => void;
const counters: Array<ReturnType<typeof countCalls>> = [];
const runtimeCalls = () => counters.flatMap((c) => c.calls);

beforeAll(async () => {
  await createStateTable(dynamo, table);
  const packages = uniqueName('churn-models');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: packages }));
  packageArn = (
    await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: packages,
        ModelApprovalStatus: 'Approved',
        InferenceSpecification: {
          Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:8' }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    )
  ).ModelPackageArn!;
  for (const shape of SHAPES) {
    deployments[shape] = await canaryDeployment(codedeploy, apps[shape], functions[shape], {
      description: `model ${packageArn}`,
    });
    await putSeries(cloudwatch, functions[shape], shape);
  }
  stops = stubOnEveryClient(
    CodeDeployClient,
    { StopDeploymentCommand: () => ({ status: 'Pending' }) },
    (client) => client !== codedeploy && backdate(client, () => Object.values(deployments), BACKDATED_MS),
  );
  restoreCloudWatch = onEveryClient(CloudWatchClient, (client) => {
    if (client !== cloudwatch) counters.push(countCalls(client));
  });
  runtimeOnMoto(
    table,
    validatePolicy({
      ...policyInput([]),
      rollback: SHAPES.map((shape) => ({
        name: `predict-${shape}`,
        alarms: { names: [`${apps[shape]}-errors`] },
        codedeploy: { application: apps[shape], deploymentGroup: 'live' },
        modelPackageGroup: packages,
      })),
      analysis: SHAPES.map((shape) => ({
        name: `canary-${shape}`,
        target: { codedeploy: { application: apps[shape], deploymentGroup: 'live' } },
        metrics: [latencyMetric],
        intervalMinutes: 5,
        lookbackMinutes: 15,
      })),
    }),
  );
});

afterAll(() => {
  stops.restore();
  restoreCloudWatch();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, codedeploy, cloudwatch, sagemaker]) c.destroy();
});

const tick = rollbackTick;
const decided = (kind: string) => decisionsOf(dynamo, table, kind);

describe('canary judgment on the alarm function’s tick (moto)', () => {
  it('judges each canary once per interval: the drifting one FAILs and is stopped and rejected, once', async () => {
    // Twice in turn and twice at once: every tick of the interval finds it judged.
    await alarmFired(tick(), context);
    await alarmFired(tick(), context);
    await Promise.all([alarmFired(tick(), context), alarmFired(tick(), context)]);

    const judged = await decided('analysis.judgment');
    // One decision per canary and interval (the ticks may straddle an interval boundary).
    const intervals = judged.map((d) => `${d.subject}@${d.inputs.window?.end}`);
    expect(judged.every((d) => d.inputs.window?.end)).toBe(true);
    expect(new Set(intervals).size).toBe(judged.length);
    expect([...new Set(judged.map((d) => `${d.subject} ${d.outcome}`))].sort()).toEqual(
      [
        `canary-drifting/${deployments.drifting} FAIL`,
        `canary-equal/${deployments.equal} PASS`,
        `canary-starved/${deployments.starved} NODATA`,
      ].sort(),
    );
    expect(stops.inputs.StopDeploymentCommand).toEqual([
      { deploymentId: deployments.drifting, autoRollbackEnabled: true },
    ]);
    const stopped = await decided('rollback.codedeploy');
    expect(stopped.filter((d) => d.outcome === 'STOPPED').map((d) => d.subject)).toEqual([
      `predict-drifting/codedeploy:${apps.drifting}/live`,
    ]);
    const rejected = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
    expect(rejected.ModelApprovalStatus).toBe('Rejected');
    expect((await decided('rollback.package')).filter((d) => d.outcome === 'REJECTED')).toHaveLength(1);
    // Starved: 4 canary minutes against 15 baseline ones.
    expect(judged.some((d) => d.text.includes('canary 4 points, baseline 15'))).toBe(true);
    // One GetMetricData per judgment: a tick that finds the interval's claim taken (one GetItem per
    // canary) reads no series. Only the two concurrent ticks, should an interval boundary fall just
    // before them, may both read the 3 canaries of the new interval before one commits.
    const reads = runtimeCalls().filter((c) => c === 'CloudWatch.GetMetricData').length;
    expect(reads).toBeGreaterThanOrEqual(judged.length);
    expect(reads).toBeLessThanOrEqual(judged.length + 3);
  }, 60_000);
});
