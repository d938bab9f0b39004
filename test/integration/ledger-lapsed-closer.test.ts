/**
 * A closer whose lease lapsed before its commit, as Lambda would run it: the exported handlers on
 * their own runtimes (functions/config/retraining-runtime.ts) against moto. The first closer (a
 * dataArrived invocation) has recorded its batch item and is about to commit OPEN; its commit is
 * held at the middleware of its runtime's DynamoDB client until the test lets it go. Meanwhile
 * Date (only Date: jest's fake timers, every other timer real) passes its 30 s lease, and a second
 * invocation closes the batch: it finds the item the first left, replaces it in a transaction that
 * checks its own lease (ledger.ts recordBatch), commits and starts. The first closer's commit then
 * fails on the lease it lost, so the batch starts once.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { handler as dataArrived } from '../../functions/handlers/data-arrived';
import { handler as sweeper } from '../../functions/handlers/sweeper';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { lambdaContext, onEveryClient, runtimeOnMoto } from '../support/lambda-on-moto';
import { moveDateTo, objectCreated, pipelineExecutions, sageMakerPipeline } from '../support/retraining-moto';

const config = awsClientConfig();
const dynamo = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const table = uniqueName('lapsed-closer');
const source = uniqueName('data');
const manifests = uniqueName('manifests');
/** One rule per test, each with its own pipeline: `a` is closed by the sweeper, `b` by a second arrival. */
const pipelines = { a: uniqueName('retrain-a'), b: uniqueName('retrain-b') };
const context: Context = lambdaContext('lapsed-closer');

type Held = { pk: string; reached: (leaseId: string) => void; gate: Promise<void> };
/** The one commit of OPEN to hold, armed by `holdCommit`. */
let held: Held | undefined;
/** Every commit of a batch (OPEN's nextSeq moved, the lease removed): its rule's key and lease id. */
const commits: Array<{ pk: string; lease: string }> = [];
/** The transactions that replaced a batch item under a lease check on OPEN. */
const replacements: any[] = [];
let restore: () => void;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  for (const name of Object.values(pipelines)) await sageMakerPipeline(sagemaker, name);
  restore = onEveryClient(DynamoDBClient, (client) =>
    client.middlewareStack.add(
      (next: (args: any) => Promise<any>, ctx: { commandName?: string }) => async (args: any) => {
        const input = args.input;
        if (
          ctx.commandName === 'UpdateItemCommand' &&
          input.Key?.sk?.S === 'OPEN' &&
          input.ExpressionAttributeValues?.[':nextSeq']
        ) {
          commits.push({ pk: input.Key.pk.S, lease: input.ExpressionAttributeValues[':id'].S });
          const h = held;
          if (h && h.pk === input.Key.pk.S) {
            held = undefined;
            h.reached(input.ExpressionAttributeValues[':id'].S);
            await h.gate;
          }
        }
        if (
          ctx.commandName === 'TransactWriteItemsCommand' &&
          input.TransactItems?.[0]?.ConditionCheck?.Key?.sk?.S === 'OPEN'
        )
          replacements.push(structuredClone(input));
        return next(args);
      },
      { step: 'initialize', priority: 'low', name: 'hold-ledger-commit' },
    ),
  );
  runtimeOnMoto(
    table,
    validatePolicy({
      version: 1,
      controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: manifests } },
      retraining: Object.entries(pipelines).map(([name, pipeline]) => ({
        name,
        source: { bucket: source, prefix: `${name}/` },
        target: { type: 'sagemaker', name: pipeline, manifestParameter: 'ManifestUri' },
        trigger: { maxObjects: 1 },
      })),
    }),
  );
});
afterEach(() => jest.useRealTimers());
afterAll(() => {
  restore();
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, s3, sagemaker]) c.destroy();
});

/** Holds the next commit of `rule`'s OPEN; `reached` answers with the holder's lease id. */
function holdCommit(rule: string): { reached: Promise<string>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<string>((resolve) => (held = { pk: `LEDGER#${rule}`, reached: resolve, gate }));
  return { reached, release };
}

async function arrival(key: string): Promise<Record<string, any>> {
  const body = 'a,b\n1,2\n';
  await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body }));
  return objectCreated(source, { key, size: Buffer.byteLength(body) });
}

/**
 * The first closer, held at its commit with its batch item written; Date then passes its lease.
 * Fails rather than waits if the invocation ends without reaching the commit.
 */
async function closerHeldPastItsLease(rule: string, key: string) {
  const hold = holdCommit(rule);
  const first = dataArrived(await arrival(key), context);
  const lease = await Promise.race([
    hold.reached,
    first.then(() => {
      throw new Error(`the first closer of ${rule} ended without reaching its commit`);
    }),
  ]);
  moveDateTo(Date.now() + 31_000);
  return { first, lease, release: hold.release };
}

const executions = (name: string) => pipelineExecutions(sagemaker, name);

const ledgerItem = async (rule: string, sk: string) =>
  (
    await dynamo.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `LEDGER#${rule}` }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** The rule's run-store batches and retraining decisions, as moto holds them. */
async function recorded(rule: string) {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return {
    batches: Items.filter((i) => i.pk?.S === `RUNS#${rule}` && i.sk?.S?.startsWith('BATCH#')).map((i) => [
      i.sk?.S,
      i.status?.S,
    ]),
    decisions: Items.filter((i) => i.kind?.S?.startsWith('retraining.') && i.subject?.S?.startsWith(`${rule}/`))
      .map((i) => [i.kind?.S, i.subject?.S, i.outcome?.S])
      .sort(),
  };
}

/** What every test expects once both closers are done: one batch, closed once, started once. */
async function expectOneBatchStartedOnce(rule: 'a' | 'b', first: string, second: string) {
  expect(await executions(pipelines[rule])).toHaveLength(1);
  const batch = await ledgerItem(rule, 'SEQ#0000000000');
  expect(batch?.lease?.S).toBe(second);
  const open = await ledgerItem(rule, 'OPEN');
  expect(open?.nextSeq?.N).toBe('1');
  expect(open?.lease).toBeUndefined();
  expect(replacements.filter((t) => t.TransactItems[0].ConditionCheck.Key.pk.S === `LEDGER#${rule}`)).toEqual([
    expect.objectContaining({
      TransactItems: [
        expect.objectContaining({
          ConditionCheck: expect.objectContaining({ ExpressionAttributeValues: { ':id': { S: second } } }),
        }),
        expect.objectContaining({
          Put: expect.objectContaining({ ExpressionAttributeValues: { ':owner': { S: first } } }),
        }),
      ],
    }),
  ]);
  expect(await recorded(rule)).toEqual({
    batches: [['BATCH#0000000000', 'STARTED']],
    decisions: [
      ['retraining.batch', `${rule}/0`, 'CLOSED'],
      ['retraining.start', `${rule}/0`, 'STARTED'],
    ],
  });
}

describe('a closer whose lease lapsed before its commit (handlers on their runtimes, moto)', () => {
  it('the sweeper replaces the batch item it left under its own lease, commits and starts the batch once', async () => {
    const { first, lease, release } = await closerHeldPastItsLease('a', 'a/one.csv');

    await sweeper({}, context);
    const second = commits.filter((c) => c.pk === 'LEDGER#a').at(-1)!.lease;
    expect(second).not.toBe(lease);
    expect(await executions(pipelines.a)).toHaveLength(1);

    release();
    await first;
    // Its commit found the lease gone: nothing more was closed or started.
    await expectOneBatchStartedOnce('a', lease, second);
  });

  it('a second arrival closes both objects in the batch the lapsed closer left, replacing its item, and starts it once', async () => {
    const { first, lease, release } = await closerHeldPastItsLease('b', 'b/one.csv');

    await dataArrived(await arrival('b/two.csv'), context);
    const second = commits.filter((c) => c.pk === 'LEDGER#b').at(-1)!.lease;
    expect(second).not.toBe(lease);

    release();
    await first;
    await expectOneBatchStartedOnce('b', lease, second);
    expect((await ledgerItem('b', 'SEQ#0000000000'))?.count?.N).toBe('2');
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const uri = Items.find((i) => i.pk?.S === 'RUNS#b' && i.sk?.S === 'BATCH#0000000000')?.manifestUri?.S ?? '';
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    const manifest = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await manifest.Body!.transformToString();
    expect(text).toContain('b/one.csv');
    expect(text).toContain('b/two.csv');
  });
});
