/**
 * The endpoint tracker as Lambda runs it: the exported `handler` on the runtime of
 * functions/config/rollback-runtime.ts (its own SDK clients, from the environment) against moto's
 * SageMaker and DynamoDB. An endpoint going InService is what a later rollback returns to, so the
 * tracker reads which package the config serves and records the sighting with its decision. An
 * endpoint that was Updating when an alarm fired left a re-check on the state table: its InService
 * event makes the tracker re-read the endpoint and the alarm and, still in ALARM, roll it back.
 * A binding that also freezes promotions and rejects the live package does all three on that
 * re-check: the freeze and the rejection keep their claims for the episode (UpdateItem), the
 * freeze is remembered for the auto-unfreeze (UpdateItem). With the kill switch on, the re-check's
 * commit is refused by the switch's own check and the decision is recorded with its write withheld.
 * SageMaker's UpdateEndpoint and CodePipeline's DisableStageTransition, which moto lacks, are
 * answered on the runtime's own clients.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Context } from 'aws-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { handler as endpointChanged } from '../../functions/handlers/endpoint-changed';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { stubOnEveryClient } from '../support/lambda-on-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const cloudwatch = new CloudWatchClient(awsClientConfig());
const table = uniqueName('endpoint-tracker');
const endpoint = uniqueName('ep');
const config = uniqueName('cfg');
let pkg = '';
// The re-check's endpoint: it served `oldConfig`, was Updating to `config` when `alarm` fired.
const updated = uniqueName('ep-updated');
const oldConfig = uniqueName('cfg-old');
const alarm = uniqueName('ModelLatencyHigh');
let answers: ReturnType<typeof stubOnEveryClient>;
// The guarded re-check's endpoint: its binding also freezes a stage and rejects the live package,
// `badPkg`, which `badConfig` serves; `config` (serving `pkg`) is the one it returns to.
const guarded = uniqueName('ep-guarded');
const badConfig = uniqueName('cfg-bad');
const guardedAlarm = uniqueName('ModelErrorsHigh');
const group = uniqueName('grp');
const pipeline = uniqueName('release');
let badPkg = '';
let transitions: ReturnType<typeof stubOnEveryClient>;
// The paused re-check's endpoint: the kill switch is on when its re-check finds the alarm firing.
const paused = uniqueName('ep-paused');
const pausedAlarm = uniqueName('ModelLatencyHigh');
const context = { functionName: 'endpoint-tracker', awsRequestId: 'r-1' } as Context;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const approvedPackage = async (image: string) =>
    (
      await sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: 'Approved',
          InferenceSpecification: {
            Containers: [{ Image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${image}` }],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
          },
        }),
      )
    ).ModelPackageArn!;
  const modelOf = async (arn: string) => {
    const name = uniqueName('model');
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: name,
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sm',
        PrimaryContainer: { ModelPackageName: arn },
      }),
    );
    return name;
  };
  pkg = await approvedPackage('m:1');
  badPkg = await approvedPackage('m:2');
  const model = await modelOf(pkg);
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: badConfig,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: await modelOf(badPkg),
          InitialInstanceCount: 1,
          InstanceType: 'ml.m5.large',
        },
      ],
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: oldConfig,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
    }),
  );
  answers = stubOnEveryClient(SageMakerClient, {
    UpdateEndpointCommand: (input: { EndpointName: string }) => ({
      EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${input.EndpointName}`,
    }),
  });
  transitions = stubOnEveryClient(CodePipelineClient, { DisableStageTransitionCommand: () => ({}) });
  // What Lambda gives the function: its table and (here) moto as every client's endpoint.
  process.env.STATE_TABLE = table;
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  usePolicy(
    validatePolicy({
      ...policyInput([]),
      rollback: [
        { name: 'live', alarms: { names: ['ServerCpuTooHigh'] }, endpoint: { name: endpoint } },
        { name: 'updated', alarms: { names: [alarm] }, endpoint: { name: updated } },
        {
          name: 'guarded',
          alarms: { names: [guardedAlarm] },
          endpoint: { name: guarded },
          freeze: { pipeline, stage: 'Production' },
          modelPackageGroup: group,
        },
        { name: 'paused', alarms: { names: [pausedAlarm] }, endpoint: { name: paused } },
      ],
    }),
  );
});
afterAll(() => {
  answers.restore();
  transitions.restore();
  // Workers run other test files after this one: leave their environment as it was.
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  dynamo.destroy();
  sagemaker.destroy();
  cloudwatch.destroy();
});

const inService = (name: string, cfg: string, time: string) => {
  const event = loadFixture<Record<string, any>>('sagemaker-endpoint-state-change.json');
  return endpointChanged(
    {
      ...event,
      id: `${name}-${cfg}`,
      time,
      region: 'us-east-1',
      resources: [`arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name}`],
      detail: { ...event.detail, EndpointName: name, EndpointConfigName: cfg, EndpointStatus: 'IN_SERVICE' },
    },
    context,
  );
};

/** An alarm on the endpoint's metric, in ALARM. */
async function firing(name: string, metric: string): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/SageMaker',
      MetricName: metric,
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
}

describe('the endpoint tracker on its own runtime (moto)', () => {
  it('records the config an endpoint went InService with and the package it serves', async () => {
    const event = loadFixture<Record<string, any>>('sagemaker-endpoint-state-change.json');
    await endpointChanged(
      {
        ...event,
        region: 'us-east-1',
        resources: [`arn:aws:sagemaker:us-east-1:123456789012:endpoint/${endpoint}`],
        detail: { ...event.detail, EndpointName: endpoint, EndpointConfigName: config },
      },
      context,
    );
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const decided = Items.filter((i) => i.kind?.S === 'rollback.endpoint-seen');
    expect(decided.map((i) => [i.subject?.S, i.outcome?.S])).toEqual([[`endpoint:${endpoint}`, 'IN_SERVICE']]);
    expect(JSON.stringify(decided[0])).toContain(pkg);
  });

  it('rolls an endpoint that was Updating when its alarm fired back once it is InService and the alarm still fires', async () => {
    await inService(updated, oldConfig, '2026-01-01T00:00:00Z');
    // What the alarm path left when it found the endpoint Updating from the old config.
    const store = new DynamoRollbackStore(dynamo, table);
    await store.putRecheck({
      endpoint: updated,
      binding: 'updated',
      alarm,
      since: '2026-01-02T00:00:00.000Z',
      config: oldConfig,
      status: 'Updating',
    });
    await firing(alarm, 'ModelLatency');
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: updated, EndpointConfigName: config }));

    await inService(updated, config, '2026-01-02T00:05:00Z');

    expect(answers.inputs.UpdateEndpointCommand).toEqual([
      expect.objectContaining({ EndpointName: updated, EndpointConfigName: oldConfig }),
    ]);
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const rolled = Items.filter(
      (i) => i.kind?.S === 'rollback.endpoint' && i.subject?.S === `updated/endpoint:${updated}`,
    );
    expect(rolled.map((i) => i.outcome?.S)).toEqual(['UPDATED']);
    expect(await store.pendingRechecks()).toEqual([]);
  });

  it('freezes the stage, rolls the endpoint back and rejects the package it served on a re-check that finds the alarm still firing, each held for the episode', async () => {
    await inService(guarded, config, '2026-01-01T00:00:00Z');
    const store = new DynamoRollbackStore(dynamo, table);
    await store.putRecheck({
      endpoint: guarded,
      binding: 'guarded',
      alarm: guardedAlarm,
      since: '2026-01-02T00:00:00.000Z',
      config,
      status: 'Updating',
    });
    await firing(guardedAlarm, 'Invocation5XXErrors');
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: guarded, EndpointConfigName: badConfig }));
    // Claims are taken for CLAIM_SECONDS (5 minutes) and kept for staleAfterSeconds (an hour) once done.
    const before = Math.floor(Date.now() / 1000);

    await inService(guarded, badConfig, '2026-01-02T00:05:00Z');

    expect(transitions.inputs.DisableStageTransitionCommand).toEqual([
      expect.objectContaining({ pipelineName: pipeline, stageName: 'Production', transitionType: 'Inbound' }),
    ]);
    expect(answers.inputs.UpdateEndpointCommand).toContainEqual(
      expect.objectContaining({ EndpointName: guarded, EndpointConfigName: config }),
    );
    const status = async (arn: string) =>
      (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).ModelApprovalStatus;
    expect(await status(badPkg)).toBe('Rejected');
    expect(await status(pkg)).toBe('Approved');
    expect(await store.freezes()).toEqual([
      expect.objectContaining({ pipeline, stage: 'Production', binding: 'guarded', alarms: [guardedAlarm] }),
    ]);
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const outcomes = Items.filter((i) => i.subject?.S?.startsWith('guarded/')).map((i) => [i.kind?.S, i.outcome?.S]);
    expect(outcomes.sort()).toEqual([
      ['rollback.endpoint', 'UPDATED'],
      ['rollback.freeze', 'FROZEN'],
      ['rollback.package', 'REJECTED'],
    ]);
    const claim = async (key: string) =>
      Number(
        (
          await dynamo.send(
            new GetItemCommand({ TableName: table, Key: { pk: { S: `CLAIM#ROLLBACK#${key}` }, sk: { S: 'CLAIM' } } }),
          )
        ).Item?.ttl?.N,
      );
    expect(
      await claim(`freeze:${pipeline}/Production#${guardedAlarm}@2026-01-02T00:00:00.000Z`),
    ).toBeGreaterThanOrEqual(before + 3_600);
    expect(await claim(`package:${badPkg}#${badConfig}`)).toBeGreaterThanOrEqual(before + 3_600);
    expect(await store.pendingRechecks()).toEqual([]);
  });

  // Last: the function's runtime keeps the switch it saw for killSwitchCacheSeconds.
  it('records a re-check that finds the alarm firing while the kill switch is on, its UpdateEndpoint withheld and not made', async () => {
    await inService(paused, oldConfig, '2026-01-01T00:00:00Z');
    const store = new DynamoRollbackStore(dynamo, table);
    await store.putRecheck({
      endpoint: paused,
      binding: 'paused',
      alarm: pausedAlarm,
      since: '2026-01-02T00:00:00.000Z',
      config: oldConfig,
      status: 'Updating',
    });
    await firing(pausedAlarm, 'ModelLatency');
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: paused, EndpointConfigName: config }));
    await new DynamoKillSwitch(dynamo, table).set({ paused: true, by: 'oncall', reason: 'incident review' });

    await inService(paused, config, '2026-01-02T00:05:00Z');

    expect(answers.inputs.UpdateEndpointCommand!.filter((i) => i.EndpointName === paused)).toEqual([]);
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const rolled = Items.filter(
      (i) => i.kind?.S === 'rollback.endpoint' && i.subject?.S === `paused/endpoint:${paused}`,
    );
    expect(rolled.map((i) => i.outcome?.S)).toEqual(['UPDATED']);
    expect(JSON.parse(rolled[0]!.actions!.S!)).toEqual([
      expect.objectContaining({
        service: 'sagemaker',
        operation: 'UpdateEndpoint',
        status: 'withheld',
        why: 'paused by oncall: incident review',
      }),
    ]);
    expect(await store.pendingRechecks()).toEqual([]);
  });
});
