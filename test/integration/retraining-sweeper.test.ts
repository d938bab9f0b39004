/**
 * The sweeper as Lambda runs it (functions/handlers/sweeper.ts on its own runtime) against moto: a
 * batch gone quiet is closed by the sweep, which reads each member's head (at its version where the
 * notification named one) for the schema check, writes the manifest and starts the pipeline. The
 * runtime takes the system clock, so jest's fake timers move only Date past the quiet period; timers
 * and I/O stay real.
 */
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { handler as dataArrived } from '../../functions/handlers/data-arrived';
import { handler as executionFinished } from '../../functions/handlers/execution-finished';
import { handler as sweeper } from '../../functions/handlers/sweeper';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import {
  moveDateTo,
  objectCreated as created,
  pipelineExecutions,
  pipelineSucceeded,
  sageMakerPipeline,
} from '../support/retraining-moto';

const config = awsClientConfig();
const dynamo = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const table = uniqueName('retraining-sweeper');
const source = uniqueName('data');
const manifests = uniqueName('manifests');
const pipeline = uniqueName('retrain');
const exclusive = uniqueName('exclusive');
const context = { functionName: 'retraining-sweeper', awsRequestId: 'r-1' } as Context;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  for (const name of [pipeline, exclusive]) await sageMakerPipeline(sagemaker, name);
  process.env.STATE_TABLE = table;
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  usePolicy(
    validatePolicy({
      version: 1,
      controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: manifests } },
      retraining: [
        {
          name: 'q',
          source: { bucket: source, prefix: 'p/' },
          target: { type: 'sagemaker', name: pipeline, manifestParameter: 'ManifestUri' },
          trigger: { quietSeconds: 60 },
          schema: { format: 'csv', columns: ['a', 'b'] },
        },
        {
          name: 'x',
          source: { bucket: source, prefix: 'x/' },
          target: { type: 'sagemaker', name: exclusive, manifestParameter: 'ManifestUri' },
          trigger: { maxObjects: 1 },
        },
      ],
    }),
  );
});
afterEach(() => jest.useRealTimers());
afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, s3, sagemaker]) c.destroy();
});

async function put(key: string, body: string): Promise<{ key: string; size: number; versionId: string }> {
  const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body }));
  return { key, size: Buffer.byteLength(body), versionId: VersionId! };
}

const objectCreated = (o: { key: string; size: number; versionId?: string }) => created(source, o);
const executions = (name = pipeline) => pipelineExecutions(sagemaker, name);

describe('the sweeper on its own runtime (moto)', () => {
  it('closes a batch gone quiet: reads each head (at its version where one was named), writes the manifest and starts the pipeline', async () => {
    const versioned = await put('p/one.csv', 'a,b\n1,2\n');
    const plain = await put('p/two.csv', 'a,b\n3,4\n');
    await dataArrived(objectCreated(versioned), context);
    await dataArrived(objectCreated({ key: plain.key, size: plain.size }), context);

    // Not quiet yet: the sweep leaves the batch open.
    await sweeper({}, context);
    expect(await executions()).toEqual([]);

    moveDateTo(Date.now() + 61_000);
    await sweeper({}, context);

    expect(await executions()).toHaveLength(1);
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: manifests }));
    expect(Contents.map((c) => c.Key).filter((k) => k?.includes('/q/'))).toEqual([
      'mlops-controller/manifests/q/batch-000000.json',
    ]);
    const manifest = await s3.send(new GetObjectCommand({ Bucket: manifests, Key: Contents[0]!.Key }));
    const body = JSON.parse(await manifest.Body!.transformToString());
    expect(JSON.stringify(body)).toContain('p/one.csv');
    expect(JSON.stringify(body)).toContain('p/two.csv');
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    expect(
      Items.filter((i) => i.kind?.S?.startsWith('retraining.'))
        .map((i) => [i.kind?.S, i.subject?.S, i.outcome?.S])
        .sort(),
    ).toEqual([
      ['retraining.batch', 'q/0', 'CLOSED'],
      ['retraining.start', 'q/0', 'STARTED'],
    ]);
  });

  it('executionFinished rebuilds the manifest of a waiting batch recorded without one, from its members, and starts it with it', async () => {
    await dataArrived(objectCreated(await put('x/one.csv', 'a,b\n1,2\n')), context);
    const [execution] = await executions(exclusive);
    expect(execution).toBeDefined();
    // The rule is exclusive: the second batch waits behind the first run.
    await dataArrived(objectCreated(await put('x/two.csv', 'a,b\n3,4\n')), context);
    expect(await executions(exclusive)).toHaveLength(1);

    // An invocation interrupted between recording the batch and writing its manifest.
    const key = 'mlops-controller/manifests/x/batch-000001.json';
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    const waiting = Items.filter((i) => i.pk?.S === 'RUNS#x' && i.manifestUri?.S?.endsWith(key));
    expect(waiting).toHaveLength(1);
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: waiting[0]!.pk!, sk: waiting[0]!.sk! },
        UpdateExpression: 'REMOVE manifestUri',
      }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: manifests, Key: key }));

    // Its first invocation: the handler builds its own runtime, whose ledger never saw the lanes.
    // The members are read by key (the batch's ranges), so its role needs no Query.
    await executionFinished(pipelineSucceeded(execution!), context);

    expect(await executions(exclusive)).toHaveLength(2);
    const rebuilt = await s3.send(new GetObjectCommand({ Bucket: manifests, Key: key }));
    const text = await rebuilt.Body!.transformToString();
    expect(text).toContain('x/two.csv');
    expect(text).not.toContain('x/one.csv');
    expect(text).toContain('rebuilt after interruption');
  });
});
