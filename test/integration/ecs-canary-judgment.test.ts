/**
 * ECS canary judgment on the alarm function's rollback tick, as Lambda runs it: the exported
 * `handler` on the runtime of functions/config/rollback-runtime.ts against moto's CodeDeploy,
 * ELBv2, CloudWatch and DynamoDB. Two ECS groups each have a blue/green deployment in flight behind
 * an ALB; each is judged on TargetResponseTime per target group (the ELB dimensions, put into
 * moto's CloudWatch): the drifting canary FAILs and is stopped with rollback, the equal one PASSes.
 * The equal group's replacement task set runs behind the group named "blue" (the deployment after a
 * swap): the canary is whatever the deployment labels Green, never a name. The equal analysis also
 * answers its deployment's AfterAllowTraffic hook (the deploymentHook function's handler).
 *
 * Stood in for on the runtime's clients only, because moto lacks them: CodeDeploy's
 * ListDeploymentTargets and GetDeploymentTarget (moto's CodeDeploy implements neither; answered
 * with the ECS target the API reference documents: `<cluster>:<service>` and its task sets) and
 * StopDeployment; and the deployments' creation time, reported 40 minutes ago (moto stamps the
 * time the test created them, and a judgment's window starts at the canary's creation).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { validatePolicy } from '../../functions/config/policy';
import { handler as alarmFired } from '../../functions/handlers/alarm-fired';
import { handler as deploymentHook } from '../../functions/handlers/deployment-hook';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { backdate, decisionsOf, rollbackTick } from '../support/canary-moto';
import {
  ecsDeployment,
  ecsService,
  network,
  putTargetSeries,
  targetLatency,
  type EcsService,
} from '../support/ecs-canary-moto';
import { lambdaContext, onEveryClient, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const elb = new ElasticLoadBalancingV2Client(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);

const table = uniqueName('ecs-judgment');
const context = lambdaContext('alarm-rollback');
const SHAPES = ['drifting', 'equal'] as const;
type Shape = (typeof SHAPES)[number];
/** Which of the service's two target groups the deployment's replacement (Green) task set runs behind. */
const CANARY_SIDE: Record<Shape, 'blue' | 'green'> = { drifting: 'green', equal: 'blue' };
const apps = Object.fromEntries(SHAPES.map((s) => [s, uniqueName(`scorer-${s}`)])) as Record<Shape, string>;
const services = {} as Record<Shape, EcsService>;
const deployments = {} as Record<Shape, string>;
let codedeployStubs: ReturnType<typeof stubOnEveryClient>;
const restores: Array<() => void> = [];
const counters: Array<ReturnType<typeof countCalls>> = [];
const runtimeCalls = (operation: string) => counters.flatMap((c) => c.calls).filter((c) => c.endsWith(`.${operation}`));

/** GetDeploymentTarget's ECS target of `shape`'s deployment mid-shift: 10 % on the replacement. */
function ecsTarget(shape: Shape) {
  const canary = CANARY_SIDE[shape];
  const baseline = canary === 'green' ? 'blue' : 'green';
  const taskSet = (side: 'blue' | 'green', label: 'Blue' | 'Green', weight: number) => ({
    identifer: `ecs-svc/${label === 'Green' ? '2' : '1'}${shape.length}`,
    desiredCount: 2,
    pendingCount: 0,
    runningCount: 2,
    status: label === 'Green' ? 'ACTIVE' : 'PRIMARY',
    trafficWeight: weight,
    targetGroup: { name: services[shape].targetGroups[side].name },
    taskSetLabel: label,
  });
  return {
    deploymentTarget: {
      deploymentTargetType: 'ECSTarget',
      ecsTarget: {
        deploymentId: deployments[shape],
        targetId: `scoring:${apps[shape]}`,
        targetArn: `arn:aws:ecs:us-east-1:123456789012:service/scoring/${apps[shape]}`,
        status: 'InProgress',
        taskSetsInfo: [taskSet(baseline, 'Blue', 90), taskSet(canary, 'Green', 10)],
      },
    },
  };
}
const shapeOf = (deploymentId: string) => SHAPES.find((s) => deployments[s] === deploymentId)!;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  const net = await network();
  for (const shape of SHAPES) {
    services[shape] = await ecsService(elb, net, shape.slice(0, 5));
    deployments[shape] = await ecsDeployment(codedeploy, apps[shape]);
    await putTargetSeries(cloudwatch, services[shape], CANARY_SIDE[shape], shape);
  }
  codedeployStubs = stubOnEveryClient(
    CodeDeployClient,
    {
      StopDeploymentCommand: () => ({ status: 'Pending' }),
      PutLifecycleEventHookExecutionStatusCommand: () => ({}),
      ListDeploymentTargetsCommand: (input: { deploymentId: string }) => ({
        targetIds: [`scoring:${apps[shapeOf(input.deploymentId)]}`],
      }),
      GetDeploymentTargetCommand: (input: { deploymentId: string }) => ecsTarget(shapeOf(input.deploymentId)),
    },
    (client) => {
      if (client === codedeploy) return;
      backdate(client, () => Object.values(deployments), 40 * 60_000);
      counters.push(countCalls(client));
    },
  );
  restores.push(codedeployStubs.restore);
  // One wrapper per client class (a second would replace the first): CodeDeploy's is the stubs' above.
  for (const Client of [CloudWatchClient, ElasticLoadBalancingV2Client])
    restores.push(
      onEveryClient(Client, (client) => {
        if (client !== cloudwatch && client !== elb) counters.push(countCalls(client));
      }),
    );
  runtimeOnMoto(
    table,
    validatePolicy({
      ...policyInput([]),
      rollback: SHAPES.map((shape) => ({
        name: `scorer-${shape}`,
        alarms: { names: [`${apps[shape]}-5xx`] },
        codedeploy: { application: apps[shape], deploymentGroup: 'live' },
      })),
      analysis: SHAPES.map((shape) => ({
        name: `ecs-${shape}`,
        target: { codedeploy: { application: apps[shape], deploymentGroup: 'live', platform: 'ecs' } },
        metrics: [targetLatency],
        intervalMinutes: 5,
        lookbackMinutes: 15,
        hook: shape === 'equal',
      })),
    }),
  );
}, 60_000);

afterAll(() => {
  for (const restore of restores) restore();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, codedeploy, cloudwatch, elb]) c.destroy();
});

const tick = rollbackTick;
const decided = (kind: string) => decisionsOf(dynamo, table, kind);

describe('ECS canary judgment on the alarm function’s tick (moto)', () => {
  it('judges each ECS canary by its Green target group: the drifting one FAILs and is stopped with rollback, the equal one PASSes', async () => {
    for (let i = 0; i < 3; i++) await alarmFired(tick(), context);

    const judged = await decided('analysis.judgment');
    expect([...new Set(judged.map((d) => `${d.subject} ${d.outcome}`))].sort()).toEqual([
      `ecs-drifting/${deployments.drifting} FAIL`,
      `ecs-equal/${deployments.equal} PASS`,
    ]);
    expect(codedeployStubs.inputs.StopDeploymentCommand).toEqual([
      { deploymentId: deployments.drifting, autoRollbackEnabled: true },
    ]);
    const stopped = await decided('rollback.codedeploy');
    expect(stopped.filter((d) => d.outcome === 'STOPPED').map((d) => d.subject)).toEqual([
      `scorer-drifting/codedeploy:${apps.drifting}/live`,
    ]);
    // Both judgments read 15 points a side: the series the placeholders named exist.
    expect(judged.every((d) => d.text.includes('canary 15 points'))).toBe(true);

    // The ECS reads: once per deployment, however many ticks and intervals (remembered); one
    // DescribeTargetGroups for both names.
    expect(codedeployStubs.inputs.ListDeploymentTargetsCommand).toEqual(
      SHAPES.map((s) => ({ deploymentId: deployments[s] })),
    );
    expect(codedeployStubs.inputs.GetDeploymentTargetCommand).toEqual(
      SHAPES.map((s) => ({ deploymentId: deployments[s], targetId: `scoring:${apps[s]}` })),
    );
    expect(runtimeCalls('DescribeTargetGroups')).toHaveLength(SHAPES.length);
    // One GetMetricData per judgment (sequential ticks: a tick that finds the interval judged reads nothing).
    expect(runtimeCalls('GetMetricData')).toHaveLength(judged.length);
  }, 60_000);

  it('answers the equal canary’s AfterAllowTraffic hook Succeeded on its judgment, the hook function reading the ECS target itself', async () => {
    const hookExecution = `equal-${table}`.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64);
    await deploymentHook(
      { DeploymentId: deployments.equal, LifecycleEventHookExecutionId: hookExecution },
      lambdaContext('CodeDeployHook_judge'),
    );
    expect(codedeployStubs.inputs.PutLifecycleEventHookExecutionStatusCommand).toEqual([
      { deploymentId: deployments.equal, lifecycleEventHookExecutionId: hookExecution, status: 'Succeeded' },
    ]);
    // Another function instance: its own reads, once.
    expect(codedeployStubs.inputs.GetDeploymentTargetCommand!.at(-1)).toEqual({
      deploymentId: deployments.equal,
      targetId: `scoring:${apps.equal}`,
    });
    expect(runtimeCalls('DescribeTargetGroups')).toHaveLength(SHAPES.length + 1);
  }, 60_000);
});
