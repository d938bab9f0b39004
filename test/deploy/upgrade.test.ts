/**
 * An upgrade as a team runs it: the previous release (the last commit at version 0.1.0, exported
 * from this repository's history) packaged with a policy from outside the repository and deployed
 * into moto; state made by ITS OWN bundled handlers and CLI (a HOLD, a running execution holding
 * an exclusive rule, a batch deferred behind it, an open batch, the kill switch on, a frozen
 * stage); then this version packaged with the same policy and deployed over it as a CloudFormation
 * update of the same stack; then this version's bundles and CLI, cold-started against the updated
 * functions' configuration, must honour every piece of that state.
 *
 * moto has no CodePipeline DisableStageTransition, and a bundle carries its own SDK (no client
 * mock reaches it): the old alarm function freezes with the kill switch on, so the transition call
 * is withheld and what the controller keeps of the freeze (its record and the episode's claim) is
 * made by the old code as in any account. The transition itself is CodePipeline's state, which a
 * deploy of the controller's stack does not touch.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  DescribeModelPackageCommand,
  ListPipelineExecutionsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { firingOnMoto, sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { coldStart, type Handler } from './support/bundles';
import { clients, type Clients } from './support/live-checks';
import { exportVersion, lockProblems, runCli, type OldVersion } from './support/old-version';
import { deployStack, packageWithPolicy, type DeployedStack, type PackagedStack } from './support/stack';

/** Two packages and two deploys on a busy 2-core machine; a hang is caught well before jest's own timeout. */
const BUDGET_MS = 900_000;
const STEP_MS = 180_000;
const OLD = '0.1.0';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const LANDING = 'upgrade-landing';
const ARTIFACTS = 'upgrade-artifacts';
const GROUP = 'upgrade-models';
const ALARM = 'ServerCpuTooHigh'; // the alarm of the CloudWatch fixture
const POLICY = `
version: 1
controller:
  accounts: ['${ACCOUNT}']
  regions: [${REGION}]
  manifests: { bucket: ${ARTIFACTS} }
retraining:
  # A marker closes each batch; one run at a time, the next batch waits for it.
  - name: train
    source: { bucket: ${LANDING}, prefix: train/ }
    target: { type: sagemaker, name: upgrade-train, manifestParameter: ManifestUri }
    trigger: { marker: _SUCCESS }
    guards: { exclusive: true }
  # Three objects close a batch.
  - name: trickle
    source: { bucket: ${LANDING}, prefix: trickle/ }
    target: { type: sagemaker, name: upgrade-trickle, manifestParameter: ManifestUri }
    trigger: { maxObjects: 3 }
gates:
  - name: quality
    modelPackageGroup: ${GROUP}
    firstModel: approve
    onMissingData: hold
    checks:
      - { metric: auc, from: CustomerMetadataProperties, path: auc, min: 0.8 }
rollback:
  - name: live
    alarms: { names: [${ALARM}] }
    freeze: { pipeline: upgrade-deploy, stage: Production, autoUnfreezeAfterOkSeconds: 3600 }
`;

let scratch: string;
let policyFile: string;
let old: OldVersion;
let oldPackage: PackagedStack;
let newPackage: PackagedStack;
let before: DeployedStack;
let after: DeployedStack;
let c: Clients;
let sagemaker: SageMakerClient;
let table: string;
/** The table as the old version left it, item by item. */
let oldItems: Record<string, AttributeValue>[];
let firstRun: string;
let holdArn: string;
let approvedArn: string;
const record: string[] = [];

const cli = (root: string, args: string[]) =>
  runCli(root, args, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    USER: 'upgrade-test',
    AWS_ENDPOINT_URL: before.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });

async function scan(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await c.dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort((a, b) => `${a.pk?.S}\u0000${a.sk?.S}`.localeCompare(`${b.pk?.S}\u0000${b.sk?.S}`));
}

/** Decisions on the table whose kind starts with `prefix`: [kind, subject, outcome]. */
async function decisions(prefix = ''): Promise<Array<[string, string, string]>> {
  return (await scan())
    .filter((i) => i.kind?.S?.startsWith(prefix) && i.outcome?.S)
    .map((i) => [i.kind!.S!, i.subject!.S!, i.outcome!.S!]);
}

/** The rule's batch records: sequence number → status. */
async function batchStatuses(rule: string): Promise<Record<number, string>> {
  return Object.fromEntries(
    (await scan())
      .filter((i) => i.pk?.S === `RUNS#${rule}` && i.sk?.S?.startsWith('BATCH#'))
      .map((i) => [Number(i.sk!.S!.slice('BATCH#'.length)), i.status?.S ?? '']),
  );
}

/** The object keys in the manifest of `rule`'s batch `seq`, as the controller wrote it. */
async function manifestKeys(rule: string, seq: number): Promise<string[]> {
  const Key = `mlops-controller/manifests/${rule}/batch-${String(seq).padStart(6, '0')}.json`;
  const { Body } = await c.s3.send(new GetObjectCommand({ Bucket: ARTIFACTS, Key }));
  return (JSON.parse(await Body!.transformToString()) as { objects: Array<{ key: string }> }).objects.map((o) => o.key);
}

async function executions(pipeline: string): Promise<string[]> {
  const { PipelineExecutionSummaries = [] } = await sagemaker.send(
    new ListPipelineExecutionsCommand({ PipelineName: pipeline }),
  );
  return PipelineExecutionSummaries.map((e) => e.PipelineExecutionArn!).sort();
}

let eventCount = 0;
/** S3's EventBridge "Object Created" for an object just written to the landing bucket. */
async function drop(key: string, body = 'a,b\n1,2\n') {
  const { ETag } = await c.s3.send(new PutObjectCommand({ Bucket: LANDING, Key: key, Body: body }));
  const event = loadFixture('s3-object-created.eventbridge.json');
  const { 'version-id': _unversioned, ...object } = event.detail.object;
  return {
    ...event,
    id: `upgrade-object-${(eventCount += 1)}`,
    account: ACCOUNT,
    region: REGION,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: [`arn:aws:s3:::${LANDING}`],
    detail: {
      ...event.detail,
      bucket: { name: LANDING },
      object: { ...object, key, size: Buffer.byteLength(body), etag: ETag!.replace(/"/g, '') },
    },
  };
}

/** A new package version in the group; its "Model Package State Change" event mirrors DescribeModelPackage. */
async function registered(metadata?: Record<string, string>) {
  const { ModelPackageArn } = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: GROUP,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/upgrade:1` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ...(metadata ? { CustomerMetadataProperties: metadata } : {}),
    }),
  );
  const described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }));
  const event = loadFixture('sagemaker-model-package-state-change.json');
  return {
    arn: ModelPackageArn!,
    event: {
      ...event,
      id: `upgrade-package-${(eventCount += 1)}`,
      account: ACCOUNT,
      region: REGION,
      resources: [ModelPackageArn],
      detail: {
        ModelPackageGroupName: GROUP,
        ModelPackageVersion: described.ModelPackageVersion,
        ModelPackageArn,
        CreationTime: described.CreationTime!.toISOString(),
        InferenceSpecification: described.InferenceSpecification,
        ModelPackageStatus: described.ModelPackageStatus,
        ModelApprovalStatus: described.ModelApprovalStatus,
        ...(metadata ? { CustomerMetadataProperties: metadata } : {}),
      },
    },
  };
}

const approvalStatus = async (arn: string) =>
  (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).ModelApprovalStatus;

/** EventBridge's "Scheduled Event" for the alarm function's rate rule (its timer tick). */
const tickEvent = () => ({
  version: '0',
  id: `upgrade-tick-${(eventCount += 1)}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/mlops-controller-dev-alarm-tick`],
  detail: {},
});

/** The alarm episode the old version froze for: the same event, delivered again. */
let alarmEvent: ReturnType<typeof loadFixture>;

const handlerOf = (stack: DeployedStack, fn: string): Promise<Handler> => coldStart(stack, c.lambda, fn, scratch);
/** One delivery to a cold-started copy of the stack's function `fn`. */
const deliver = async (stack: DeployedStack, fn: string, event: unknown) => (await handlerOf(stack, fn))(event);

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'upgrade-'));
  old = exportVersion(OLD, scratch);
  // The policy is the team's, in a directory of its own outside the repository.
  policyFile = join(mkdtempSync(join(scratch, 'team-')), 'policy.yml');
  writeFileSync(policyFile, POLICY);
  oldPackage = await packageWithPolicy(policyFile, old.root);
  newPackage = await packageWithPolicy(policyFile);
  before = await deployStack(oldPackage);
  c = clients(before.clientConfig);
  sagemaker = new SageMakerClient(before.clientConfig);
  table = (
    await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'mlops-controller-dev-dataArrived' }))
  ).Environment!.Variables!.STATE_TABLE!;
  record.push(`${OLD} (${old.commit.slice(0, 7)}) deployed into moto: ${(before.deployMs / 1000).toFixed(1)} s`);

  // The account's own resources the policy names (the stack watches them, it does not create them).
  for (const Bucket of [LANDING, ARTIFACTS]) await c.s3.send(new CreateBucketCommand({ Bucket }));
  for (const PipelineName of ['upgrade-train', 'upgrade-trickle'])
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName,
        PipelineDefinition: JSON.stringify({
          Version: '2020-12-01',
          Parameters: [{ Name: 'ManifestUri', Type: 'String' }],
          Steps: [],
        }),
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker-pipeline`,
      }),
    );
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
  await firingOnMoto(c.cloudwatch, [ALARM]);
}, BUDGET_MS);

afterAll(async () => {
  await before?.stop();
  oldPackage?.remove();
  newPackage?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (record.length) console.info(record.join('\n'));
}, 60_000);

describe(`the ${OLD} release, from its own commit`, () => {
  it('is the last commit at that version, and both versions package the same policy file from outside the repository', () => {
    expect(JSON.parse(readFileSync(join(old.root, 'package.json'), 'utf8')).version).toBe(OLD);
    expect(relative(process.cwd(), policyFile)).toMatch(/^\.\.\//);
    expect([oldPackage.params, newPackage.params]).toEqual([
      [`--param=policy=${policyFile}`],
      [`--param=policy=${policyFile}`],
    ]);
  });

  it("runs on this repository's node_modules: its lock pins the same version of every package its sources import", () => {
    expect(lockProblems(old.root)).toEqual([]);
  });

  it(
    'makes the state an upgrade must keep, with its own bundled handlers and its own CLI',
    async () => {
      // A HOLD: the first package has no AUC, and a missing critical metric goes to a person.
      const hold = await registered();
      holdArn = hold.arn;
      await deliver(before, 'registryGate', hold.event);
      expect(await approvalStatus(hold.arn)).toBe('PendingManualApproval');

      // A running execution holding the exclusive rule, and a batch deferred behind it.
      const dataArrived = await handlerOf(before, 'dataArrived');
      for (const key of ['train/day-1/part-0.csv', 'train/day-1/_SUCCESS']) await dataArrived(await drop(key));
      firstRun = (await executions('upgrade-train'))[0]!;
      for (const key of ['train/day-2/part-0.csv', 'train/day-2/_SUCCESS']) await dataArrived(await drop(key));
      expect(await executions('upgrade-train')).toEqual([firstRun]);

      // An open batch: one object of the three that close it.
      await dataArrived(await drop('trickle/t-1.jsonl', '{"a":1}\n'));
      expect(await executions('upgrade-trickle')).toEqual([]);

      // The kill switch, through the old CLI.
      expect(await cli(old.root, ['pause', '--table', table, '--reason', 'upgrading'])).toContain('paused');

      // A frozen stage: the alarm's episode freezes; the kill switch withholds the transition call.
      alarmEvent = sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric.json'), new Date().toISOString());
      await deliver(before, 'alarmRollback', alarmEvent);

      expect(await decisions()).toEqual([
        ['gate.registry', hold.arn, 'HOLD'],
        ['retraining.batch', 'train/0', 'CLOSED'],
        ['retraining.start', 'train/0', 'STARTED'],
        ['retraining.batch', 'train/1', 'CLOSED'],
        ['retraining.defer', 'train/1', 'DEFERRED'],
        ['rollback.freeze', 'live/upgrade-deploy/Production', 'FROZEN'],
      ]);
      oldItems = await scan();
      const freeze = oldItems.find((i) => i.sk?.S === 'FREEZE#upgrade-deploy#Production');
      expect(freeze?.alarms).toEqual({ L: [{ S: ALARM }] });
      record.push(`state left by ${OLD}: ${oldItems.length} items`);
    },
    STEP_MS,
  );
});

describe('this version deployed over it: a CloudFormation update of the same stack', () => {
  let oldCode: string | undefined;
  beforeAll(async () => {
    oldCode = (
      await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'mlops-controller-dev-dataArrived' }))
    ).CodeSha256;
    after = await before.update(newPackage);
    record.push(`this version deployed over it (stack update): ${(after.deployMs / 1000).toFixed(1)} s`);
  }, BUDGET_MS);

  it('updates the stack in place and keeps the state table, its items untouched', async () => {
    const cfn = new CloudFormationClient(after.clientConfig);
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: after.stackName }));
    cfn.destroy();
    expect(Stacks.map((s) => s.StackStatus)).toEqual(['UPDATE_COMPLETE']);
    // The same logical id with the same key schema: CloudFormation updates the table in place, and
    // if a later change ever required a replacement, the old table would be kept, not deleted.
    for (const t of [oldPackage.template, newPackage.template])
      expect(t.Resources.StateTable).toMatchObject({
        Type: 'AWS::DynamoDB::Table',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    expect(newPackage.template.Resources.StateTable!.Properties).toEqual(
      oldPackage.template.Resources.StateTable!.Properties,
    );
    expect(after.resources.get('StateTable')).toEqual(before.resources.get('StateTable'));
    // The functions now run this version's code, on the same table.
    const config = await c.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'mlops-controller-dev-dataArrived' }),
    );
    expect(config.Environment!.Variables!.STATE_TABLE).toBe(table);
    expect(config.CodeSha256).toBeDefined();
    expect(config.CodeSha256).not.toBe(oldCode);
    expect(await scan()).toEqual(oldItems);
  });

  it('the running execution still holds the rule: a new batch waits behind the deferred one, nothing starts', async () => {
    const dataArrived = await handlerOf(after, 'dataArrived');
    for (const key of ['train/day-3/part-0.csv', 'train/day-3/_SUCCESS']) await dataArrived(await drop(key));
    expect(await executions('upgrade-train')).toEqual([firstRun]);
    // Only the batch at the head of the rule's queue is judged: the one the old version deferred
    // stays deferred, and the new one waits behind it.
    expect((await decisions('retraining.')).filter(([, subject]) => subject === 'train/2')).toEqual([
      ['retraining.batch', 'train/2', 'CLOSED'],
    ]);
    expect(await batchStatuses('train')).toMatchObject({ 0: 'STARTED', 1: 'DEFERRED' });
    expect(await batchStatuses('train')).not.toHaveProperty('2', 'STARTED');
  });

  it('the kill switch set by the old CLI still withholds: an approval is decided and recorded, not sent', async () => {
    const good = await registered({ auc: '0.93' });
    approvedArn = good.arn;
    await deliver(after, 'registryGate', good.event);
    expect(await approvalStatus(good.arn)).toBe('PendingManualApproval');
    const decision = (await scan()).find((i) => i.kind?.S === 'gate.registry' && i.subject?.S === good.arn)!;
    expect(decision.outcome?.S).toBe('APPROVE');
    expect(JSON.parse(decision.actions!.S!)).toEqual([
      expect.objectContaining({ service: 'sagemaker', operation: 'UpdateModelPackage', status: 'withheld' }),
    ]);
  });

  it("the old freeze still holds: a late copy of its alarm does not freeze again, the timer does not thaw it, and the new code reads the old record's alarms", async () => {
    const freezeItem = async () => (await scan()).find((i) => i.sk?.S === 'FREEZE#upgrade-deploy#Production');
    const frozen = await freezeItem();
    await deliver(after, 'alarmRollback', alarmEvent);
    await deliver(after, 'alarmRollback', tickEvent());
    expect(await freezeItem()).toEqual(frozen);
    expect((await decisions('rollback.')).map(([kind, , outcome]) => `${kind} ${outcome}`)).toEqual([
      'rollback.freeze FROZEN',
    ]);
    // The alarm recovers: this version reads the old record's alarm list, finds them all OK and
    // starts the cooldown; the stage stays frozen until it has passed (an hour).
    await c.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'OK', StateReason: 'recovered' }));
    const ok = sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric.json'), new Date().toISOString());
    ok.id = 'upgrade-alarm-ok';
    ok.detail.previousState.value = 'ALARM';
    ok.detail.state.value = 'OK';
    await deliver(after, 'alarmRollback', ok);
    await deliver(after, 'alarmRollback', tickEvent());
    const thawing = await freezeItem();
    expect(thawing).toMatchObject({ ...frozen, okSince: { S: expect.any(String) } });
    expect(await decisions('rollback.unfreeze')).toEqual([]);
  });

  it("this version's CLI lists the old version's decisions, the HOLD among them", async () => {
    const listed = JSON.parse(await cli(process.cwd(), ['decisions', '--table', table, '--json'])) as Array<{
      kind: string;
      subject: string;
      outcome: string;
    }>;
    // Made by the old version: its HOLD, the deferral, the freeze; and this version's approval.
    expect(listed).toEqual(
      expect.arrayContaining(
        [
          ['gate.registry', holdArn, 'HOLD'],
          ['retraining.defer', 'train/1', 'DEFERRED'],
          ['rollback.freeze', 'live/upgrade-deploy/Production', 'FROZEN'],
          ['gate.registry', approvedArn, 'APPROVE'],
        ].map(([kind, subject, outcome]) => expect.objectContaining({ kind, subject, outcome })),
      ),
    );
  });

  it('after resume, the open batch closes once and starts once, its old object in the manifest', async () => {
    expect(await cli(process.cwd(), ['resume', '--table', table])).toContain('resumed');
    const events = [await drop('trickle/t-2.jsonl', '{"a":2}\n'), await drop('trickle/t-3.jsonl', '{"a":3}\n')];
    // Each delivered twice, the copies by two containers (as Lambda may): one close, one start.
    for (const event of events) {
      await deliver(after, 'dataArrived', event);
      await deliver(after, 'dataArrived', event);
    }
    expect(await executions('upgrade-trickle')).toHaveLength(1);
    expect(await decisions('retraining.')).toEqual(
      expect.arrayContaining([
        ['retraining.batch', 'trickle/0', 'CLOSED'],
        ['retraining.start', 'trickle/0', 'STARTED'],
      ]),
    );
    expect((await decisions('retraining.')).filter(([, subject]) => subject.startsWith('trickle/'))).toHaveLength(2);
    expect(await manifestKeys('trickle', 0)).toEqual(['trickle/t-1.jsonl', 'trickle/t-2.jsonl', 'trickle/t-3.jsonl']);
  });

  it("the old run's end releases the rule and starts the batch the old version deferred", async () => {
    const finished = loadFixture('sagemaker-pipeline-execution-status-change.json');
    await deliver(after, 'executionFinished', {
      ...finished,
      id: 'upgrade-run-finished',
      account: ACCOUNT,
      region: REGION,
      detail: {
        ...finished.detail,
        currentPipelineExecutionStatus: 'Succeeded',
        pipelineArn: firstRun.split('/execution/')[0],
        pipelineExecutionArn: firstRun,
      },
      resources: [firstRun.split('/execution/')[0], firstRun],
    });
    expect(await executions('upgrade-train')).toHaveLength(2);
    const train = (await decisions('retraining.')).filter(([, subject]) => subject.startsWith('train/'));
    expect(train.filter(([kind]) => kind !== 'retraining.batch').sort()).toEqual(
      [
        ['retraining.start', 'train/0', 'STARTED'],
        ['retraining.defer', 'train/1', 'DEFERRED'],
        ['retraining.release', 'train/0', 'Succeeded'],
        ['retraining.start', 'train/1', 'STARTED'],
        // Now the head of the queue, behind the run just started.
        ['retraining.defer', 'train/2', 'DEFERRED'],
      ].sort(),
    );
    // The run was given the manifest the old version wrote when it closed the batch.
    expect(await manifestKeys('train', 1)).toEqual(['train/day-2/part-0.csv']);
  });
});
