import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { contentDigest, S3MetricReports } from '../../../../functions/adapters/aws/metric-reports';
import { AwsCallError } from '../../../../functions/domain/errors';
import { describeMetricReportsContract } from '../../../contract/metric-reports.contract';
import { awsClientConfig, uniqueName } from '../../../support/aws';

const s3 = new S3Client(awsClientConfig());

async function newBucket(): Promise<string> {
  const bucket = uniqueName('reports');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
const put = (bucket: string, key: string, body: string) =>
  s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body), ContentLength: Buffer.byteLength(body) }),
  );

describeMetricReportsContract('S3MetricReports on moto', async () => {
  const bucket = await newBucket();
  return {
    reports: new S3MetricReports(s3),
    bucket,
    seed: (key, body) => put(bucket, key, body).then(() => undefined),
  };
});

/** An S3 client on moto that records each request's method, path and conditional headers. */
function countingClient() {
  const client = new S3Client(awsClientConfig());
  const requests: Array<{ range?: string; ifNoneMatch?: string }> = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      requests.push({ range: headers.range, ifNoneMatch: headers['if-none-match'] });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countRequests' },
  );
  return { client, requests };
}

describe('S3MetricReports on moto', () => {
  it('transfers at most the limit: one ranged GET of maxBytes + 1 bytes', async () => {
    const bucket = await newBucket();
    await put(bucket, 'big.json', JSON.stringify({ pad: 'x'.repeat(100_000) }));
    const { client, requests } = countingClient();
    await expect(
      new S3MetricReports(client).readJson(`s3://${bucket}/big.json`, { maxBytes: 1000 }),
    ).rejects.toMatchObject({
      status: 'ERROR',
    });
    expect(requests).toEqual([{ range: 'bytes=0-1000' }]);
  });

  it('serves a champion report pinned by a ContentDigest from the cache without a call', async () => {
    const bucket = await newBucket();
    const body = '{"auc":0.84}';
    await put(bucket, 'champion.json', body);
    const { client, requests } = countingClient();
    const reports = new S3MetricReports(client);
    const options = { maxBytes: 1000, contentDigest: contentDigest(Buffer.from(body)), cacheable: true };
    await reports.readJson(`s3://${bucket}/champion.json`, options);
    await expect(reports.readJson(`s3://${bucket}/champion.json`, options)).resolves.toEqual({ auc: 0.84 });
    expect(requests).toHaveLength(1);
  });

  it('revalidates an unpinned champion report by ETag, and reads the new body after it changed', async () => {
    const bucket = await newBucket();
    await put(bucket, 'champion.json', '{"auc":0.84}');
    const { client, requests } = countingClient();
    const reports = new S3MetricReports(client);
    const options = { maxBytes: 1000, cacheable: true };
    await reports.readJson(`s3://${bucket}/champion.json`, options);
    await expect(reports.readJson(`s3://${bucket}/champion.json`, options)).resolves.toEqual({ auc: 0.84 });
    expect(requests[1]?.ifNoneMatch).toMatch(/^"[0-9a-f]+"$/);
    await put(bucket, 'champion.json', '{"auc":0.5}');
    await expect(reports.readJson(`s3://${bucket}/champion.json`, options)).resolves.toEqual({ auc: 0.5 });
  });

  it('never caches a challenger report', async () => {
    const bucket = await newBucket();
    await put(bucket, 'challenger.json', '{"auc":0.9}');
    const { client, requests } = countingClient();
    const reports = new S3MetricReports(client);
    await reports.readJson(`s3://${bucket}/challenger.json`, { maxBytes: 1000 });
    await reports.readJson(`s3://${bucket}/challenger.json`, { maxBytes: 1000 });
    expect(requests.map((r) => r.ifNoneMatch)).toEqual([undefined, undefined]);
  });

  describe('errors moto does not produce (aws-sdk-client-mock)', () => {
    const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    afterAll(() => mock.restore());
    beforeEach(() => mock.reset());

    it('AccessDenied is an ERROR report, not a retry', async () => {
      mock.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
      await expect(new S3MetricReports(client).readJson('s3://b/k.json', { maxBytes: 10 })).rejects.toMatchObject({
        status: 'ERROR',
        message: 's3://b/k.json: access denied',
      });
    });

    it('a slow-down surfaces as a retryable AwsCallError', async () => {
      mock
        .on(GetObjectCommand)
        .rejects(Object.assign(new Error('Please reduce your request rate'), { name: 'SlowDown' }));
      const failure = await new S3MetricReports(client)
        .readJson('s3://b/k.json', { maxBytes: 10 })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AwsCallError);
    });
  });
});
