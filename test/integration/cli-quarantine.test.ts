/**
 * `mlops-controller quarantine release|drop` against moto: a batch quarantined on the state table
 * is started once (a SageMaker pipeline, which moto runs), through the kill switch, or dropped.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, ListPipelineExecutionsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { quarantine } from '../../functions/cli/quarantine';
import { validatePolicy } from '../../functions/config/policy';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { recordingLogger } from '../support/memory-harness';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
afterAll(() => [dynamo, sagemaker, s3].forEach((c) => c.destroy()));

async function stage() {
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
    controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket, prefix: 'm/' } },
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
});
