/**
 * The deploymentHook function's real handler (hookRuntime) answering AfterAllowTraffic with the
 * canary judgment (an analysis with `hook: true`), on moto: CodeDeploy GetDeployment, CloudWatch
 * GetMetricData on Duration series per ExecutedVersion put into moto, SageMaker's model registry
 * (the package a failed canary served is rejected through the group's rollback binding), the
 * state table (claims, decisions, the kill switch). moto lacks PutLifecycleEventHookExecutionStatus:
 * answered on the runtime's clients, which also report the canary deployments created 40 minutes
 * ago (moto stamps them with the time the test created them).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { validatePolicy } from '../../functions/config/policy';
import { handler } from '../../functions/handlers/deployment-hook';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { backdate, canaryDeployment, latencyMetric, putSeries, type MotoShape } from '../support/canary-moto';
import { faultInjector } from '../support/fault-injector';
import { lambdaContext, onEveryClient, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { motoModelPackage } from '../support/moto-packages';
import { policyInput, testController } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);

const table = uniqueName('hook-judgment');
const context = lambdaContext('CodeDeployHook_judge');
/** Each case's canary series: three drifting canaries, whose rejections go three ways. */
const SERIES = {
  drifting: 'drifting',
  equal: 'equal',
  throttled: 'drifting',
  paused: 'drifting',
} as const satisfies Record<string, MotoShape>;
type Case = keyof typeof SERIES;
const CASES = Object.keys(SERIES) as Case[];
const apps = Object.fromEntries(CASES.map((c) => [c, uniqueName(`hook-${c}`)])) as Record<Case, string>;
const functions = Object.fromEntries(CASES.map((c) => [c, uniqueName(`fn-${c}`)])) as Record<Case, string>;
const deployments = {} as Record<Case, string>;
/** The package each canary serves (named in its deployment's description), all Approved at first. */
const packages = {} as Record<Case, string>;
const group = uniqueName('hook-models');
const faults = faultInjector();
let answers: ReturnType<typeof stubOnEveryClient>;
let restoreSageMaker: () => void;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  for (const c of CASES) {
    packages[c] = await motoModelPackage(sagemaker, group, 'Approved');
    deployments[c] = await canaryDeployment(codedeploy, apps[c], functions[c], {
      hooks: { AfterAllowTraffic: context.functionName },
      description: `model ${packages[c]}`,
    });
    await putSeries(cloudwatch, functions[c], SERIES[c]);
  }
  answers = stubOnEveryClient(
    CodeDeployClient,
    { PutLifecycleEventHookExecutionStatusCommand: () => ({}) },
    (client) => client !== codedeploy && backdate(client, () => Object.values(deployments), 40 * 60_000),
  );
  restoreSageMaker = onEveryClient(SageMakerClient, (client) => client !== sagemaker && faults.watch(client));
  runtimeOnMoto(
    table,
    validatePolicy({
      // Read the switch at every answer: a cached read would make the paused case depend on time.
      ...policyInput([], { ...testController, killSwitchCacheSeconds: 0 }),
      rollback: CASES.map((c) => ({
        name: `predict-${c}`,
        alarms: { names: [`${apps[c]}-errors`] },
        codedeploy: { application: apps[c], deploymentGroup: 'live' },
        modelPackageGroup: group,
      })),
      analysis: CASES.map((c) => ({
        name: `canary-${c}`,
        target: { codedeploy: { application: apps[c], deploymentGroup: 'live' } },
        metrics: [latencyMetric],
        lookbackMinutes: 15,
        hook: true,
      })),
    }),
  );
});

afterAll(() => {
  answers.restore();
  restoreSageMaker();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, codedeploy, cloudwatch, sagemaker]) c.destroy();
});

const invocation = (c: Case) => ({
  DeploymentId: deployments[c],
  LifecycleEventHookExecutionId: `${c}-${table}`.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64),
});

/** Once, twice at the same time, and once more: Lambda delivers asynchronous invocations at least once. */
async function deliver(c: Case) {
  await Promise.all([handler(invocation(c), context), handler(invocation(c), context)]);
  await handler(invocation(c), context);
}

const answered = (c: Case) =>
  answers.inputs
    .PutLifecycleEventHookExecutionStatusCommand!.filter((a) => a.deploymentId === deployments[c])
    .map((a) => a.status);

async function items() {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items;
}

async function decided(kind: string, c: Case) {
  return (await items())
    .filter(
      (i) =>
        i.kind?.S === kind && i.subject?.S?.startsWith(kind === 'rollback.package' ? `predict-${c}/` : `canary-${c}/`),
    )
    .map((i) => ({
      outcome: i.outcome?.S,
      reasons: i.reasons?.L?.map((r) => r.S) ?? [],
      actions: JSON.parse(i.actions?.S ?? '[]') as Array<Record<string, string>>,
    }));
}

/** The rejection's claim (functions/workflows/rollback/flow.ts rollbackClaim), if it is held. */
async function rejectionClaim(c: Case) {
  return (await items()).find((i) => i.pk?.S === `CLAIM#ROLLBACK#package:${packages[c]}#${deployments[c]}`);
}

const approval = async (c: Case) => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: packages[c] }));

describe('AfterAllowTraffic answered with the canary judgment (moto)', () => {
  it('a drifting canary is answered Failed and its package rejected, a noisy but equal one Succeeded, each once', async () => {
    await deliver('drifting');
    await deliver('equal');
    expect([answered('drifting'), answered('equal')]).toEqual([['Failed'], ['Succeeded']]);
    expect((await decided('analysis.judgment', 'drifting')).map((d) => d.outcome)).toEqual(['FAIL']);
    expect((await decided('analysis.judgment', 'equal')).map((d) => d.outcome)).toEqual(['PASS']);

    const [rejection, ...more] = await decided('rollback.package', 'drifting');
    expect(more).toEqual([]);
    expect(rejection).toMatchObject({
      outcome: 'REJECTED',
      actions: [{ service: 'sagemaker', operation: 'UpdateModelPackage', status: 'taken' }],
    });
    const rejected = await approval('drifting');
    expect(rejected.ModelApprovalStatus).toBe('Rejected');
    expect(rejected.ApprovalDescription).toMatch(
      new RegExp(
        `^Rejected by mlops-controller rollback: canary judgment FAIL at the AfterAllowTraffic hook of ${deployments.drifting}: canary-drifting: FAIL`,
      ),
    );
    // Done: the claim is kept for the binding's staleAfterSeconds (an hour), not its 5-minute lease,
    // so the tick judging the same deployment FAIL does not reject the package again.
    const claim = await rejectionClaim('drifting');
    expect(Number(claim?.ttl?.N) - Date.parse(claim!.at!.S!) / 1000).toBeGreaterThan(3_000);
    expect((await approval('equal')).ModelApprovalStatus).toBe('Approved');
    expect(await decided('rollback.package', 'equal')).toEqual([]);
  }, 60_000);

  it('a rejection the registry refuses gives its claim back and is recorded failed; the hook stays answered once', async () => {
    faults.arm('SageMaker.UpdateModelPackage', 'throttling');
    await expect(handler(invocation('throttled'), context)).rejects.toThrow(/UpdateModelPackage.*Rate exceeded/);
    expect(faults.injected()).toBe(1);
    // The retried invocation finds the hook answered; the tick's judgment rejects the package later.
    await handler(invocation('throttled'), context);
    expect(answered('throttled')).toEqual(['Failed']);
    expect((await approval('throttled')).ModelApprovalStatus).toBe('Approved');
    expect(await rejectionClaim('throttled')).toBeUndefined();
    const [failed, ...more] = await decided('rollback.package', 'throttled');
    expect(more).toEqual([]);
    expect(failed!.outcome).toBe('FAILED');
  }, 60_000);

  it('with the kill switch on, a drifting canary is answered Succeeded and its package kept, the Failed and the rejection recorded withheld with why', async () => {
    const killSwitch = new DynamoKillSwitch(dynamo, table);
    await killSwitch.set({ paused: true, by: 'alice', reason: 'registry migration' });
    try {
      await deliver('paused');
    } finally {
      await killSwitch.set({ paused: false, by: 'alice' });
    }
    expect(answered('paused')).toEqual(['Succeeded']);
    expect((await approval('paused')).ModelApprovalStatus).toBe('Approved');
    const [withheld, ...more] = await decided('rollback.package', 'paused');
    expect(more).toEqual([]);
    expect(withheld!.actions).toEqual([
      {
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        target: packages.paused,
        status: 'withheld',
        why: 'paused by alice: registry migration',
      },
    ]);
    const hook = (await items()).filter(
      (i) =>
        i.kind?.S === 'rollback.hook' &&
        i.subject?.S === `deployment/${deployments.paused}` &&
        i.outcome?.S === 'FAILED',
    );
    expect(hook.map((i) => JSON.parse(i.actions!.S!))).toEqual([
      [
        expect.objectContaining({
          operation: 'PutLifecycleEventHookExecutionStatus',
          status: 'withheld',
          why: 'paused by alice: registry migration; answered Succeeded',
        }),
      ],
    ]);
  }, 60_000);
});
