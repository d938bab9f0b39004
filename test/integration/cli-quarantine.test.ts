/**
 * `mlops-controller quarantine release|drop` against moto: a batch quarantined on the state table
 * is started once (a SageMaker pipeline, which moto runs), through the kill switch, or dropped.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, ListPipelineExecutionsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { DECISION_DETAIL_TYPE, DECISION_SOURCE } from '../../functions/adapters/aws/eventbridge';
import { quarantine } from '../../functions/cli/quarantine';
import { validatePolicy } from '../../functions/config/policy';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { recordingLogger } from '../support/memory-harness';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
const sns = new SNSClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());
const eventbridge = new EventBridgeClient(awsClientConfig());
afterAll(() => [dynamo, sagemaker, s3, sns, sqs, eventbridge].forEach((c) => c.destroy()));

async function queue(): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('decisions') }))).QueueUrl!;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: Attributes!.QueueArn! };
}

/** A topic and a bus, each delivering what reaches it to its own queue (as a subscriber would see it). */
async function sinks() {
  const notified = await queue();
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('decisions') }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: notified.arn }));
  const published = await queue();
  const eventBus = uniqueName('decisions');
  await eventbridge.send(new CreateEventBusCommand({ Name: eventBus }));
  const rule = uniqueName('decisions');
  await eventbridge.send(
    new PutRuleCommand({
      Name: rule,
      EventBusName: eventBus,
      EventPattern: JSON.stringify({ source: [DECISION_SOURCE], 'detail-type': [DECISION_DETAIL_TYPE] }),
    }),
  );
  await eventbridge.send(
    new PutTargetsCommand({ Rule: rule, EventBusName: eventBus, Targets: [{ Id: 'queue', Arn: published.arn }] }),
  );
  return { decisions: { topicArn, eventBus, routine: true }, notified: notified.url, published: published.url };
}

/** The message bodies a queue holds, parsed; bounded by the queue's answers. */
async function received(url: string, count: number): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i < 20 && bodies.length < count; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
  }
  return bodies;
}

async function stage(sinksOf?: { topicArn: string; eventBus: string; routine: boolean }) {
  const table = uniqueName('quarantine');
  const pipeline = uniqueName('retrain');
  const bucket = uniqueName('manifests');
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: pipeline,
      PipelineDefinition: JSON.stringify({
        Version: '2020-12-01',
        Parameters: [{ Name: 'ManifestUri', Type: 'String' }],
        Steps: [],
      }),
      RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-pipeline',
      ClientRequestToken: createHash('sha256').update(pipeline).digest('hex'),
    }),
  );
  const policy = validatePolicy({
    version: 1,
    controller: {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      manifests: { bucket, prefix: 'm/' },
      ...(sinksOf ? { decisions: sinksOf } : {}),
    },
    retraining: [
      {
        name: 'churn',
        source: { bucket: 'data', prefix: 'churn/' },
        target: { type: 'sagemaker', name: pipeline },
        trigger: { maxObjects: 2 },
      },
    ],
  });
  const ledger = new DynamoBatchLedger(dynamo, table);
  const now = new Date();
  await ledger.append(
    'churn',
    [1, 2].map((i) => ({ bucket: 'data', key: `churn/${i}.csv`, size: 10, etag: `e${i}` })),
    now,
  );
  const closed = await ledger.close('churn', () => true, now);
  const runs = new DynamoRunStore(dynamo, table);
  await runs.putBatch({
    rule: 'churn',
    seq: closed!.seq,
    status: 'QUARANTINED',
    objects: 2,
    bytes: 20,
    reason: 'churn/1.csv: missing columns label',
    closedAt: closed!.closedAt,
    updatedAt: closed!.closedAt,
  });
  await runs.swapGuard('churn', { version: 0, startsToday: 0, nextSeq: 0 }, { startsToday: 0, nextSeq: 1 });
  const act = (verb: 'release' | 'drop') =>
    quarantine({
      act: verb,
      policy,
      table,
      rule: 'churn',
      seq: 0,
      reason: 'renamed on purpose',
      by: 'alice',
      logger: recordingLogger().logger,
      clientConfig: awsClientConfig(),
    });
  const executions = async () =>
    (await sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: pipeline }))).PipelineExecutionSummaries ??
    [];
  const decisions = async () =>
    (await new DynamoDecisionLog(dynamo, table).list({ subject: 'churn/0' })).map((d) => [d.kind, d.outcome]);
  return { table, runs, act, executions, decisions };
}

describe('mlops-controller quarantine (moto)', () => {
  it('release records one release and one start however often it is asked at once; a later release is refused', async () => {
    const s = await stage();
    const results = await Promise.all([s.act('release'), s.act('release')]);
    expect(results.map((r) => r.outcome)).toEqual(['RELEASED', 'RELEASED']);
    // The race's loser may re-issue the start with the batch's token; AWS answers it with the same
    // execution, moto 5.2.1 ignores ClientRequestToken (the token is pinned by the unit tests and
    // the SageMaker adapter's exact-input test). A later release finds it started: no new call.
    const started = (await s.executions()).length;
    expect(started).toBeGreaterThanOrEqual(1);
    expect((await s.act('release')).outcome).toBe('REFUSED');
    expect(await s.executions()).toHaveLength(started);
    expect(await s.runs.getBatch('churn', 0)).toMatchObject({
      status: 'STARTED',
      manifestUri: expect.stringMatching(/^s3:\/\//),
    });
    expect(await s.decisions()).toEqual([
      ['retraining.quarantine', 'RELEASED'],
      ['retraining.start', 'STARTED'],
    ]);
  }, 60_000);

  it('with the kill switch on, the start is withheld and says so', async () => {
    const s = await stage();
    await new DynamoKillSwitch(dynamo, s.table).set({ paused: true, by: 'bob', reason: 'incident 7' });
    await s.act('release');
    expect(await s.executions()).toHaveLength(0);
    const [, start] = await new DynamoDecisionLog(dynamo, s.table).list({ subject: 'churn/0' });
    expect(start?.actions).toEqual([expect.objectContaining({ status: 'withheld', why: 'paused by bob: incident 7' })]);
  }, 60_000);

  it('drop records the objects left untrained, and a dropped batch is never started', async () => {
    const s = await stage();
    expect((await s.act('drop')).outcome).toBe('DROPPED');
    expect((await s.act('release')).outcome).toBe('REFUSED');
    expect(await s.executions()).toHaveLength(0);
    expect(await s.runs.getBatch('churn', 0)).toMatchObject({ status: 'DROPPED' });
    expect(await s.decisions()).toEqual([['retraining.quarantine', 'DROPPED']]);
  }, 60_000);

  it("release and drop publish their decisions to the policy's bus and notify its topic, like every other override", async () => {
    const out = await sinks();
    const released = await stage(out.decisions);
    await released.act('release');
    const dropped = await stage(out.decisions);
    await dropped.act('drop');

    const subjects = (await received(out.notified, 3)).map((m) => m.Subject).sort();
    expect(subjects).toEqual([
      'mlops-controller retraining.quarantine DROPPED',
      'mlops-controller retraining.quarantine RELEASED',
      'mlops-controller retraining.start STARTED',
    ]);
    const events = await received(out.published, 3);
    expect(events.map((e) => [e.source, e['detail-type']])).toEqual(
      Array.from({ length: 3 }, () => [DECISION_SOURCE, DECISION_DETAIL_TYPE]),
    );
    expect(
      events.map((e) => `${(e.detail as { kind: string }).kind} ${(e.detail as { outcome: string }).outcome}`).sort(),
    ).toEqual(['retraining.quarantine DROPPED', 'retraining.quarantine RELEASED', 'retraining.start STARTED']);
  }, 90_000);
});
