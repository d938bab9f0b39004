import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ObjectAccessDeniedError, ObjectNotFoundError, S3ObjectStore } from '../../../../functions/adapters/aws/s3';
import { AwsCallError } from '../../../../functions/domain/errors';
import { describeObjectStoreContract } from '../../../contract/object-store.contract';
import { awsClientConfig, uniqueName } from '../../../support/aws';

const s3 = new S3Client(awsClientConfig());

async function newBucket(): Promise<string> {
  const bucket = uniqueName('objects');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function readWhole(bucket: string, key: string): Promise<string | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await response.Body!.transformToString('utf-8');
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

describeObjectStoreContract('S3ObjectStore on moto', async () => {
  const bucket = await newBucket();
  return {
    store: new S3ObjectStore(s3),
    bucket,
    seed: async (key, body) => {
      // A Buffer with its length: an empty string body makes the SDK warn about unknown-length streams.
      const bytes = Buffer.from(body, 'utf8');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length }));
    },
    read: (key) => readWhole(bucket, key),
  };
});

describe('S3ObjectStore on moto', () => {
  const store = new S3ObjectStore(s3);
  let bucket: string;
  beforeAll(async () => {
    bucket = await newBucket();
  });

  it('asks S3 for a byte range, so only the head of a large object crosses the network', async () => {
    const client = new S3Client(awsClientConfig());
    const ranges: unknown[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        ranges.push((args.request as { headers: Record<string, string> }).headers.range);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureRange' },
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.csv', Body: 'x'.repeat(100_000) }));
    await expect(new S3ObjectStore(client).readHead(bucket, 'big.csv', 10)).resolves.toBe('x'.repeat(10));
    expect(ranges).toEqual(['bytes=0-9']);
  });

  it('reads the version named by versionId on a versioned bucket, and the latest without one', async () => {
    const versioned = await newBucket();
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'data.csv', Body: 'id,label\n' }));
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'data.csv', Body: 'id,target\n' }));
    expect(v1.VersionId).toBeTruthy();
    await expect(store.readHead(versioned, 'data.csv', 100, v1.VersionId)).resolves.toBe('id,label\n');
    await expect(store.readHead(versioned, 'data.csv', 100)).resolves.toBe('id,target\n');
  });

  it('stores JSON documents with Content-Type application/json', async () => {
    await store.putJson(bucket, 'manifests/ct.json', { a: 1 });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'manifests/ct.json' }));
    expect(head.ContentType).toBe('application/json');
  });

  it('rejects a read from a bucket that does not exist as non-retryable ObjectNotFoundError (NoSuchBucket)', async () => {
    const failure = await store.readHead(uniqueName('absent'), 'k.csv', 10).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ObjectNotFoundError);
    expect(failure).toMatchObject({ retryable: false, cause: { name: 'NoSuchBucket' } });
  });

  it('rejects a write to a bucket that does not exist as non-retryable ObjectNotFoundError', async () => {
    const failure = await store.putJson(uniqueName('absent'), 'm.json', {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ObjectNotFoundError);
    expect(failure).toMatchObject({ retryable: false });
  });
});

// moto does not enforce IAM nor throttle: these answers come from aws-sdk-client-mock.
describe('S3ObjectStore error mapping and exact requests (aws-sdk-client-mock)', () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  const store = new S3ObjectStore(client);
  const s3Error = (name: string, httpStatusCode: number) =>
    new S3ServiceException({
      name,
      $fault: httpStatusCode < 500 ? 'client' : 'server',
      $metadata: { httpStatusCode },
      message: name,
    });

  beforeEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('sends GetObject with Bucket, Key, a 0-based inclusive Range and the VersionId when given', async () => {
    mock.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    await store.readHead('b', 'k.csv', 100, 'v1').catch(() => undefined);
    await store.readHead('b', 'k.csv', 100).catch(() => undefined);
    expect(mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'b', Key: 'k.csv', Range: 'bytes=0-99', VersionId: 'v1' },
      { Bucket: 'b', Key: 'k.csv', Range: 'bytes=0-99' },
    ]);
  });

  it('sends PutObject with the pretty JSON body and Content-Type application/json', async () => {
    mock.on(PutObjectCommand).resolves({});
    await expect(store.putJson('b', 'm/1.json', { a: [1] })).resolves.toBe('s3://b/m/1.json');
    expect(mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'm/1.json',
      Body: '{\n  "a": [\n    1\n  ]\n}\n',
      ContentType: 'application/json',
    });
  });

  it('maps AccessDenied on a read to a non-retryable ObjectAccessDeniedError keeping the cause', async () => {
    const denied = s3Error('AccessDenied', 403);
    mock.on(GetObjectCommand).rejects(denied);
    const failure = await store.readHead('b', 'k.csv', 10).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ObjectAccessDeniedError);
    expect(failure).toMatchObject({ retryable: false, bucket: 'b', key: 'k.csv' });
    expect((failure as Error).cause).toBe(denied);
  });

  it('maps AccessDenied on a write to a non-retryable ObjectAccessDeniedError', async () => {
    mock.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store.putJson('b', 'm.json', {})).rejects.toBeInstanceOf(ObjectAccessDeniedError);
  });

  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
    ['RequestTimeout', 400],
  ])('maps %s (after the SDK retries) to a retryable AwsCallError', async (name, status) => {
    mock.on(GetObjectCommand).rejects(s3Error(name, status));
    const failure = await store.readHead('b', 'k.csv', 10).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining('s3.GetObject failed') });
  });

  it('sends nothing when asked for zero bytes', async () => {
    await expect(store.readHead('b', 'k.csv', 0)).resolves.toBe('');
    expect(mock.calls()).toHaveLength(0);
  });
});
