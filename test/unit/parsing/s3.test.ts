import { parseS3, decodeNotificationKey } from '../../../functions/parsing/s3';

/**
 * The parse as one entry per delivery (invalid ones first): its id, origin, objects, the records it
 * skipped, why it is invalid, and whether it came through SQS.
 */
function parseS3Deliveries(event: unknown) {
  const { commands, skipped, invalid } = parseS3(event);
  return [
    ...invalid.map((r) => ({
      id: r.origin.id,
      origin: r.origin,
      objects: [] as unknown[],
      skipped: [] as string[],
      invalid: r.reason as string | undefined,
      sqs: r.origin.via === 'sqs',
    })),
    ...commands.map((c) => ({
      id: c.origin.id,
      origin: c.origin,
      objects: c.objects as unknown[],
      skipped: skipped.filter((s) => s.origin.id === c.origin.id).map((s) => s.reason),
      invalid: undefined,
      sqs: c.origin.via === 'sqs',
    })),
  ];
}
import { loadFixture } from '../../support/fixtures';

describe('parseS3', () => {
  it('reads an EventBridge Object Created event with its etag, version and origin', () => {
    const [d] = parseS3Deliveries(loadFixture('s3-object-created.eventbridge.json'));
    expect(d).toMatchObject({
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      origin: { account: '111122223333', region: 'ca-central-1' },
      objects: [
        {
          bucket: 'DOC-EXAMPLE-BUCKET1',
          key: 'example-key',
          size: 5,
          etag: 'b1946ac92492d2347c6235b4d2611184',
          versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        },
      ],
      sqs: false,
    });
  });

  it('reads a direct S3 notification and URL-decodes its key', () => {
    const event = loadFixture('s3-object-created-put.notification.json');
    event.Records[0].s3.object.key = 'training/new+data/caf%C3%A9+%282%29.csv';
    const [d] = parseS3Deliveries(event);
    expect(d?.objects[0]).toMatchObject({
      bucket: 'mybucket',
      key: 'training/new data/café (2).csv',
      size: 1024,
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(d?.origin.region).toBe('us-west-2');
  });

  it('reads S3 notifications inside SQS, one delivery per SQS record, with the queue account as origin', () => {
    const event = loadFixture('s3-object-created-put.via-sqs.powertools.json');
    const second = structuredClone(event.Records[0]);
    second.messageId = 'second';
    event.Records.push(second);
    const deliveries = parseS3Deliveries(event);
    expect(deliveries.map((d) => d.id)).toEqual(['ca3e7a89-c358-40e5-8aa0-5da01403c267', 'second']);
    expect(deliveries[0]).toMatchObject({
      sqs: true,
      origin: { account: '123456789012', region: 'us-east-1' },
      objects: [{ bucket: 'xxx', key: 'test.pdf', size: 104681 }],
    });
  });

  it('reads SNS-in-SQS (double-encoded) notifications', () => {
    const event = loadFixture('s3-object-created-put.via-sqs.powertools.json');
    const s3 = event.Records[0].body;
    event.Records[0].body = JSON.stringify({
      Type: 'Notification',
      MessageId: 'm1',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:drops',
      Message: s3,
    });
    const [d] = parseS3Deliveries(event);
    expect(d?.objects).toHaveLength(1);
    expect(d?.invalid).toBeUndefined();
  });

  it('marks a non-JSON SQS body invalid without affecting its neighbours', () => {
    const event = loadFixture('s3-object-created-put.via-sqs.powertools.json');
    const bad = structuredClone(event.Records[0]);
    bad.messageId = 'bad';
    bad.body = '{not json';
    event.Records.push(bad);
    const deliveries = parseS3Deliveries(event);
    const good = deliveries.find((d) => d.id !== 'bad');
    const broken = deliveries.find((d) => d.id === 'bad');
    expect(good?.objects).toHaveLength(1);
    expect(broken).toMatchObject({ id: 'bad', invalid: 'SQS body is not JSON', objects: [] });
  });

  it.each([
    ['missing size', (e: any) => delete e.detail.object.size, /size/],
    ['missing bucket', (e: any) => delete e.detail.bucket, /bucket/],
    ['negative size', (e: any) => (e.detail.object.size = -1), /size/],
    ['key of wrong type', (e: any) => (e.detail.object.key = 42), /key/],
  ])('marks an EventBridge event with %s invalid, naming the field', (_name, mutate, message) => {
    const event = loadFixture('s3-object-created.eventbridge.json');
    mutate(event);
    const [d] = parseS3Deliveries(event);
    expect(d?.invalid).toMatch(message);
    expect(d?.objects).toEqual([]);
  });

  it('skips non-creation records and the S3 test event without calling them invalid', () => {
    const event = loadFixture('s3-object-created-put.notification.json');
    event.Records[0].eventName = 'ObjectRemoved:Delete';
    expect(parseS3Deliveries(event)[0]).toMatchObject({
      objects: [],
      skipped: [expect.stringContaining('ObjectRemoved:Delete')],
    });
    expect(parseS3Deliveries({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' })[0]?.skipped).toHaveLength(1);
  });

  it.each([null, 42, 'text', {}, { Records: [] }, { source: 'aws.ec2' }])(
    'treats %p as an invalid delivery, not a crash',
    (event) => {
      const [d] = parseS3Deliveries(event);
      expect(d?.invalid).toBeDefined();
    },
  );

  it('rejects a malformed percent-encoding in a notification key', () => {
    const event = loadFixture('s3-object-created-put.notification.json');
    event.Records[0].s3.object.key = 'bad%ZZkey';
    expect(parseS3Deliveries(event)[0]?.invalid).toMatch(/URL-encoded/);
  });

  // S3's limit is 1,024 bytes of UTF-8, not characters: 'é' is two bytes, so 512 of them fill it.
  const atLimit = 'é'.repeat(512);
  const overLimit = `${'é'.repeat(512)}x`;
  it.each([
    ['EventBridge', 'at the limit', atLimit, undefined],
    ['EventBridge', 'one byte over (1,025 bytes, 513 characters)', overLimit, /1,025 bytes.*1,024/],
    ['notification', 'at the limit', encodeURIComponent(atLimit), undefined],
    [
      'notification',
      'one byte over (1,025 bytes, 513 characters)',
      encodeURIComponent(overLimit),
      /1,025 bytes.*1,024/,
    ],
  ])('%s key %s: invalid only past 1,024 UTF-8 bytes', (shape, _name, key, problem) => {
    const event =
      shape === 'EventBridge'
        ? loadFixture('s3-object-created.eventbridge.json')
        : loadFixture('s3-object-created-put.notification.json');
    if (shape === 'EventBridge') event.detail.object.key = key;
    else event.Records[0].s3.object.key = key;
    const [d] = parseS3Deliveries(event);
    expect({ invalid: d?.invalid, objects: d?.objects.length }).toEqual(
      problem ? { invalid: expect.stringMatching(problem), objects: 0 } : { invalid: undefined, objects: 1 },
    );
  });

  it('decodes + as space before percent sequences', () => {
    expect(decodeNotificationKey('a+b%2Bc')).toBe('a b+c');
  });
});
