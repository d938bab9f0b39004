/**
 * The deploymentHook function's real handler (hookRuntime) answering AfterAllowTraffic with the
 * canary judgment (an analysis with `hook: true`), on moto: CodeDeploy GetDeployment, CloudWatch
 * GetMetricData on Duration series per ExecutedVersion put into moto, the state table (claims,
 * decisions). moto lacks PutLifecycleEventHookExecutionStatus: answered on the runtime's clients,
 * which also report the canary deployments created 40 minutes ago (moto stamps them with the time
 * the test created them).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { validatePolicy } from '../../functions/config/policy';
import { handler } from '../../functions/handlers/deployment-hook';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { backdate, canaryDeployment, latencyMetric, putSeries, type MotoShape } from '../support/canary-moto';
import { lambdaContext, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);

const table = uniqueName('hook-judgment');
const context = lambdaContext('CodeDeployHook_judge');
const SHAPES = ['drifting', 'equal'] as const satisfies readonly MotoShape[];
type Shape = (typeof SHAPES)[number];
const apps = Object.fromEntries(SHAPES.map((s) => [s, uniqueName(`hook-${s}`)])) as Record<Shape, string>;
const functions = Object.fromEntries(SHAPES.map((s) => [s, uniqueName(`fn-${s}`)])) as Record<Shape, string>;
const deployments = {} as Record<Shape, string>;
let answers: ReturnType<typeof stubOnEveryClient>;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  for (const shape of SHAPES) {
    deployments[shape] = await canaryDeployment(codedeploy, apps[shape], functions[shape], {
      hooks: { AfterAllowTraffic: context.functionName },
    });
    await putSeries(cloudwatch, functions[shape], shape);
  }
  answers = stubOnEveryClient(
    CodeDeployClient,
    { PutLifecycleEventHookExecutionStatusCommand: () => ({}) },
    (client) => client !== codedeploy && backdate(client, () => Object.values(deployments), 40 * 60_000),
  );
  runtimeOnMoto(
    table,
    validatePolicy({
      ...policyInput([]),
      rollback: SHAPES.map((shape) => ({
        name: `predict-${shape}`,
        alarms: { names: [`${apps[shape]}-errors`] },
        codedeploy: { application: apps[shape], deploymentGroup: 'live' },
      })),
      analysis: SHAPES.map((shape) => ({
        name: `canary-${shape}`,
        target: { codedeploy: { application: apps[shape], deploymentGroup: 'live' } },
        metrics: [latencyMetric],
        lookbackMinutes: 15,
        hook: true,
      })),
    }),
  );
});

afterAll(() => {
  answers.restore();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, codedeploy, cloudwatch]) c.destroy();
});

const invocation = (shape: Shape) => ({
  DeploymentId: deployments[shape],
  LifecycleEventHookExecutionId: `${shape}-${table}`.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64),
});

async function decided(kind: string) {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.filter((i) => i.kind?.S === kind).map((i) => [i.subject?.S, i.outcome?.S]);
}

describe('AfterAllowTraffic answered with the canary judgment (moto)', () => {
  it('a drifting canary is answered Failed and a noisy but equal one Succeeded, each once', async () => {
    for (const shape of SHAPES) {
      await Promise.all([handler(invocation(shape), context), handler(invocation(shape), context)]);
      await handler(invocation(shape), context);
    }
    expect(answers.inputs.PutLifecycleEventHookExecutionStatusCommand!.map((a) => [a.deploymentId, a.status])).toEqual([
      [deployments.drifting, 'Failed'],
      [deployments.equal, 'Succeeded'],
    ]);
    expect((await decided('analysis.judgment')).sort()).toEqual(
      [
        [`canary-drifting/${deployments.drifting}`, 'FAIL'],
        [`canary-equal/${deployments.equal}`, 'PASS'],
      ].sort(),
    );
  }, 60_000);
});
