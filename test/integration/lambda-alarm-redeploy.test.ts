/**
 * The alarm function's redeploy after the bake, as Lambda runs it: the exported `handler` on the
 * runtime of functions/config/rollback-runtime.ts against moto's CodeDeploy, Lambda, ECS,
 * CloudWatch and DynamoDB. A group whose live deployment already Succeeded (the bake passed) is
 * rolled back by a new deployment of the last good revision, per compute platform: on Lambda an
 * AppSpec shifting the alias from the version it serves now (GetAlias) back to the good one, on
 * ECS the good AppSpec again once its task definition is still ACTIVE (DescribeTaskDefinition). The
 * rollback tick then follows each redeployment (GetDeployment) to its end.
 *
 * moto 5.2.1's CodeDeploy never moves a deployment on: every deployment stays `Created`, it has no
 * StopDeployment, and moto's state manager (`/moto-api/state-manager`) has no CodeDeploy model. So
 * the one thing moto cannot answer, the status a deployment reached, is rewritten in moto's own
 * BatchGetDeployments/GetDeployment answers on the runtime's client (`reached` below); everything
 * else (revisions, groups, configs, times, the deployments the rollback creates) is moto's.
 *
 * The freeze binding's automatic unfreeze on the tick is the alarm function's one write that no
 * committed decision covers, so it reads the kill switch itself (GetItem) before it re-enables the
 * transition; moto's CodePipeline lacks Disable/EnableStageTransition, answered on the runtime's
 * client.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { handler as alarmFired } from '../../functions/handlers/alarm-fired';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { lambdaContext, onEveryClient, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { liveGroup, rewriteDeployments } from '../support/moto-codedeploy';
import { lambdaAppSpec, rollbackTick } from '../support/canary-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const codedeploy = new CodeDeployClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const lambda = new LambdaClient(awsClientConfig());
const ecs = new ECSClient(awsClientConfig());
const iam = new IAMClient(awsClientConfig());
fixMotoCodeDeployTimes(codedeploy);

const table = uniqueName('alarm-redeploy');
const context = lambdaContext('alarm-redeploy');
const lambdaApp = uniqueName('churn-fn');
const ecsApp = uniqueName('churn-svc');
const fn = uniqueName('churn-predict');
const family = uniqueName('churn-serve');
const pipeline = uniqueName('deploy');
const alarms = { lambda: uniqueName('FnErrors'), ecs: uniqueName('SvcErrors'), freeze: uniqueName('ProdErrors') };
/** The group's own deployment configs: a redeploy without deploymentConfigName runs with them. */
const CONFIGS = { lambda: 'CodeDeployDefault.LambdaCanary10Percent5Minutes', ecs: 'CodeDeployDefault.ECSAllAtOnce' };
/** The smallest valid zip archive (an empty one): moto stores the code, it never runs it here. */
const EMPTY_ZIP = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/** The status each deployment reached, by id; what moto cannot tell (see the header). */
const reached = new Map<string, string>();
/** The deployments of each group the test made before the alarm: [good, bad]. */
const made: Record<'lambda' | 'ecs', string[]> = { lambda: [], ecs: [] };
let taskDefinitions: string[] = [];
let versions: string[] = [];
let restoreCodeDeploy: () => void;
let stages: ReturnType<typeof stubOnEveryClient>;

const ecsSpec = (taskDefinition: string) =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        serve: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: 'churn', ContainerPort: 8080 },
          },
        },
      },
    ],
  });

/** A deployment of `content` that went through (the bake passed): Succeeded. */
async function succeeded(application: string, content: string): Promise<string> {
  const id = (
    await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
      }),
    )
  ).deploymentId!;
  reached.set(id, 'Succeeded');
  return id;
}

async function createTime(id: string): Promise<number> {
  return (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!.createTime!.getTime();
}

beforeAll(async () => {
  await createStateTable(dynamo, table);

  // A Lambda group: version 2 was good, the bad deployment shifted the alias to 3.
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: uniqueName('churn-predict-role'),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: 'nodejs22.x',
      Role: role.Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: EMPTY_ZIP },
    }),
  );
  versions = [];
  // Lambda publishes a version only of a changed function: each serves another model.
  for (const model of ['1', '2', '3']) {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { MODEL: model } } }),
    );
    versions.push((await lambda.send(new PublishVersionCommand({ FunctionName: fn }))).Version!);
  }
  expect(new Set(versions).size).toBe(3);
  await liveGroup(codedeploy, lambdaApp, 'Lambda', CONFIGS.lambda);
  made.lambda.push(await succeeded(lambdaApp, lambdaAppSpec(fn, {}, { current: versions[0]!, target: versions[1]! })));
  made.lambda.push(await succeeded(lambdaApp, lambdaAppSpec(fn, {}, { current: versions[1]!, target: versions[2]! })));
  // What CodeDeploy did at the end of the bad deployment (moto's CodeDeploy shifts nothing).
  await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: versions[2]! }));

  // An ECS group: revision 1 of the task definition was good, revision 2 is live.
  taskDefinitions = [];
  for (const image of ['public.ecr.aws/acme/churn:1', 'public.ecr.aws/acme/churn:2'])
    taskDefinitions.push(
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family,
            containerDefinitions: [{ name: 'churn', image, memory: 512, portMappings: [{ containerPort: 8080 }] }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!,
    );
  await liveGroup(codedeploy, ecsApp, 'ECS', CONFIGS.ecs);
  made.ecs.push(await succeeded(ecsApp, ecsSpec(taskDefinitions[0]!)));
  made.ecs.push(await succeeded(ecsApp, ecsSpec(taskDefinitions[1]!)));

  // The rollback finds the live deployment as the newest one: the two must not share a millisecond.
  for (const [good, bad] of [made.lambda, made.ecs])
    expect(await createTime(bad!)).toBeGreaterThan(await createTime(good!));

  for (const name of Object.values(alarms)) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
  }

  // The runtime's clients only: the test's own reads moto's answers as they are.
  restoreCodeDeploy = onEveryClient(
    CodeDeployClient,
    (client) =>
      client !== codedeploy &&
      rewriteDeployments(client, (d) => {
        if (reached.has(d.deploymentId)) d.status = reached.get(d.deploymentId);
      }),
  );
  stages = stubOnEveryClient(CodePipelineClient, {
    DisableStageTransitionCommand: () => ({}),
    EnableStageTransitionCommand: () => ({}),
  });
  runtimeOnMoto(
    table,
    validatePolicy({
      ...policyInput([]),
      rollback: [
        {
          name: 'predict',
          alarms: { names: [alarms.lambda] },
          codedeploy: { application: lambdaApp, deploymentGroup: 'live' },
        },
        {
          name: 'serve',
          alarms: { names: [alarms.ecs] },
          codedeploy: { application: ecsApp, deploymentGroup: 'live' },
        },
        {
          name: 'prod',
          alarms: { names: [alarms.freeze] },
          freeze: { pipeline, stage: 'Prod', autoUnfreezeAfterOkSeconds: 60 },
        },
      ],
    }),
  );
});
afterAll(() => {
  restoreCodeDeploy();
  stages.restore();
  // Workers run other test files after this one: leave their environment as it was.
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, codedeploy, cloudwatch, lambda, ecs, iam]) c.destroy();
});

function alarmEvent(name: string, state: 'ALARM' | 'OK', at = new Date().toISOString()) {
  const event = sentAt(loadFixture<any>('cloudwatch-alarm-state-change.single-metric'), at);
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`];
  event.detail.alarmName = name;
  event.detail.previousState = { ...event.detail.state, value: state === 'ALARM' ? 'OK' : 'ALARM' };
  event.detail.state = { ...event.detail.state, value: state };
  return event;
}

/** The group's deployments the rollback created (moto's listing, less the test's own). */
async function redeployments(application: string, own: string[]): Promise<string[]> {
  const { deployments = [] } = await codedeploy.send(
    new ListDeploymentsCommand({ applicationName: application, deploymentGroupName: 'live' }),
  );
  return deployments.filter((id) => !own.includes(id));
}

async function decisions(kind: string, subject: string): Promise<Array<{ outcome?: string; text: string }>> {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.filter((i) => i.kind?.S === kind && i.subject?.S === subject).map((i) => ({
    outcome: i.outcome?.S,
    text: JSON.stringify(i),
  }));
}

describe('the alarm function redeploys the last good revision after the bake, on its own runtime (moto)', () => {
  it('on Lambda: shifts the alias from the version it serves back to the good one, once, and records SUCCEEDED once CodeDeploy ends it', async () => {
    await alarmFired(alarmEvent(alarms.lambda, 'ALARM'), context);
    // A redelivery of the same transition finds the redeployment as the group's latest deployment.
    await alarmFired(alarmEvent(alarms.lambda, 'ALARM'), context);

    const created = await redeployments(lambdaApp, made.lambda);
    expect(created).toHaveLength(1);
    const { deploymentInfo: redeploy } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: created[0] }));
    expect(JSON.parse(redeploy!.revision!.appSpecContent!.content!).Resources[0].predict.Properties).toEqual({
      Name: fn,
      Alias: 'live',
      CurrentVersion: versions[2],
      TargetVersion: versions[1],
    });
    expect(redeploy!.description).toContain(`replaces ${made.lambda[1]} with the revision of ${made.lambda[0]}`);
    // The group's own config (what CreateDeployment authorizes with GetDeploymentConfig).
    expect(redeploy!.deploymentConfigName).toBe(CONFIGS.lambda);
    // Alarm polling off for this deployment: the group's alarms are the ones firing.
    expect(redeploy!.overrideAlarmConfiguration).toEqual({ enabled: false });
    const subject = `predict/codedeploy:${lambdaApp}/live`;
    const decided = await decisions('rollback.codedeploy', subject);
    expect(decided.map((d) => d.outcome).sort()).toEqual(['NOTHING_TO_ROLL_BACK', 'REDEPLOYED']);
    expect(decided.find((d) => d.outcome === 'NOTHING_TO_ROLL_BACK')!.text).toContain(
      `latest deployment ${created[0]} is itself a rollback`,
    );

    // Still Created: the tick waits.
    await alarmFired(rollbackTick(), context);
    expect((await decisions('rollback.codedeploy', subject)).map((d) => d.outcome)).not.toContain('SUCCEEDED');

    reached.set(created[0]!, 'Succeeded');
    await alarmFired(rollbackTick(), context);
    // Followed to its end once: a later tick has nothing left to follow.
    await alarmFired(rollbackTick(), context);
    const ended = (await decisions('rollback.codedeploy', subject)).filter((d) => d.outcome === 'SUCCEEDED');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.text).toContain(created[0]);
  }, 60_000);

  it('on ECS: resubmits the good AppSpec while its task definition is ACTIVE, and records a stopped redeployment as FAILED', async () => {
    await alarmFired(alarmEvent(alarms.ecs, 'ALARM'), context);

    const created = await redeployments(ecsApp, made.ecs);
    expect(created).toHaveLength(1);
    const { deploymentInfo: redeploy } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: created[0] }));
    expect(redeploy!.revision).toEqual({
      revisionType: 'AppSpecContent',
      appSpecContent: { content: ecsSpec(taskDefinitions[0]!) },
    });
    expect(redeploy!.deploymentConfigName).toBe(CONFIGS.ecs);

    reached.set(created[0]!, 'Stopped');
    await alarmFired(rollbackTick(), context);
    const subject = `serve/codedeploy:${ecsApp}/live`;
    const ended = (await decisions('rollback.codedeploy', subject)).filter((d) => d.outcome === 'FAILED');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.text).toContain(`redeployment ${created[0]} was stopped`);
  }, 60_000);

  it('thaws a freeze on the tick once its alarm has been OK past the cooldown, reading the kill switch first', async () => {
    await alarmFired(alarmEvent(alarms.freeze, 'ALARM'), context);
    expect(stages.inputs.DisableStageTransitionCommand).toEqual([
      expect.objectContaining({ pipelineName: pipeline, stageName: 'Prod', transitionType: 'Inbound' }),
    ]);

    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: alarms.freeze, StateValue: 'OK', StateReason: 'test' }),
    );
    // OK for ten minutes, past the binding's 60 s cooldown.
    await alarmFired(alarmEvent(alarms.freeze, 'OK', new Date(Date.now() - 600_000).toISOString()), context);
    expect(stages.inputs.EnableStageTransitionCommand).toEqual([]);

    await alarmFired(rollbackTick(), context);
    expect(stages.inputs.EnableStageTransitionCommand).toEqual([
      { pipelineName: pipeline, stageName: 'Prod', transitionType: 'Inbound' },
    ]);
    expect((await decisions('rollback.unfreeze', `${pipeline}/Prod`)).map((d) => d.outcome)).toEqual(['UNFROZEN']);
  }, 60_000);
});
