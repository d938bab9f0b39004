import { dataArrived } from '../../../functions/handlers/data-arrived';
import { AwsCallError } from '../../../functions/domain/errors';
import { loadFixture } from '../../support/fixtures';
import { basePolicy, memoryHarness } from '../../support/memory-harness';

function sqsBatch(keys: string[]) {
  const event = loadFixture('s3-object-created-put.via-sqs.powertools.json');
  const template = event.Records[0];
  event.Records = keys.map((key, i) => {
    const r = structuredClone(template);
    const body = JSON.parse(r.body);
    body.Records[0].s3.object.key = key;
    body.Records[0].s3.object.sequencer = `seq-${key}`;
    r.body = JSON.stringify(body);
    r.messageId = `m-${i}-${key}`;
    return r;
  });
  return event;
}

function eventBridge(key: string) {
  const e = loadFixture('s3-object-created.eventbridge.json');
  e.detail.object.key = key;
  e.id = `id-${key}`;
  return e;
}

describe('data-arrived handler', () => {
  it('starts one pipeline run when an EventBridge batch reaches its size, with a manifest of exactly its objects', async () => {
    const h = memoryHarness();
    const handle = dataArrived(h.workflow, h.logger);
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await handle(eventBridge(key));
    expect(h.starts()).toHaveLength(1);
    expect(h.starts()[0]).toMatchObject({
      service: 'codepipeline',
      input: {
        name: 'docs-pipeline',
        variables: expect.arrayContaining([{ name: 'MANIFEST_URI', value: 's3://manifests/m/docs/batch-000000.json' }]),
      },
    });
    const manifest = JSON.parse(h.world.getObject('manifests', 'm/docs/batch-000000.json')!.body);
    expect(manifest.objects.map((o: { key: string }) => o.key)).toEqual(['a.csv', 'b.csv', 'c.csv']);
  });

  it('starts a SageMaker pipeline from an S3 notification inside SQS and answers with no failures', async () => {
    const h = memoryHarness();
    const result = await dataArrived(
      h.workflow,
      h.logger,
    )(loadFixture('s3-object-created-put.via-sqs.powertools.json'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.starts()).toEqual([
      expect.objectContaining({ service: 'sagemaker', operation: 'StartPipelineExecution' }),
    ]);
    expect(h.starts()[0]?.input).toMatchObject({
      PipelineName: 'sqs-pipeline',
      PipelineParameters: expect.arrayContaining([
        { Name: 'ManifestUri', Value: 's3://manifests/m/sqs/batch-000000.json' },
      ]),
    });
  });

  it('a marker in a direct S3 notification closes the batch', async () => {
    const h = memoryHarness();
    const handle = dataArrived(h.workflow, h.logger);
    await handle(loadFixture('s3-object-created-put.notification.json'));
    expect(h.starts()).toHaveLength(0);
    const marker = loadFixture('s3-object-created-put.notification.json');
    marker.Records[0].s3.object.key = '_SUCCESS';
    marker.Records[0].s3.object.sequencer = '0055AED6DCD90281E6';
    await handle(marker);
    expect(h.starts()).toHaveLength(1);
  });

  it('the same events delivered twice, and concurrently, start exactly one run', async () => {
    const h = memoryHarness();
    const handle = dataArrived(h.workflow, h.logger);
    const events = ['a', 'b', 'c'].map(eventBridge);
    await Promise.all([...events, ...events].map((e) => handle(structuredClone(e))));
    await Promise.all(events.map((e) => handle(structuredClone(e))));
    expect(h.starts()).toHaveLength(1);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.start')).toHaveLength(1);
  });

  it('one non-JSON SQS record is recorded as ignored and never fails its good neighbours', async () => {
    const h = memoryHarness();
    const event = sqsBatch(['one.pdf', 'two.pdf']);
    event.Records[1].body = 'not json';
    const result = await dataArrived(h.workflow, h.logger)(event);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.starts()).toHaveLength(1);
    expect(h.decisions.decisions).toContainEqual(
      expect.objectContaining({
        kind: 'retraining.ignore',
        subject: `delivery/${event.Records[1].messageId}`,
        reasons: ['SQS body is not JSON'],
      }),
    );
    expect(h.logs.some((l) => l.level === 'error' && l.message === 'invalid delivery ignored')).toBe(true);
  });

  it('a key past S3\u2019s 1,024 UTF-8 bytes is logged as an error, recorded as ignored, and neither counted nor started', async () => {
    const h = memoryHarness();
    const tooLong = encodeURIComponent(`${'é'.repeat(512)}x`); // 513 characters, 1,025 bytes
    const event = sqsBatch(['one.pdf', tooLong]);
    const result = await dataArrived(h.workflow, h.logger)(event);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.starts()).toHaveLength(1);
    const manifest = JSON.parse(h.world.getObject('manifests', 'm/sqs/batch-000000.json')!.body);
    expect(manifest.objects.map((o: { key: string }) => o.key)).toEqual(['one.pdf']);
    expect(h.decisions.decisions).toContainEqual(
      expect.objectContaining({
        kind: 'retraining.ignore',
        subject: `delivery/${event.Records[1].messageId}`,
        reasons: [expect.stringMatching(/key is 1,025 bytes of UTF-8; S3 allows at most 1,024/)],
      }),
    );
    expect(h.logs.some((l) => l.level === 'error' && l.message === 'invalid delivery ignored')).toBe(true);
  });

  it('when AWS fails for one SQS record, only that record is reported for redelivery', async () => {
    const policy = basePolicy();
    const h = memoryHarness(policy);
    const real = h.ledger.append.bind(h.ledger);
    h.ledger.append = async (rule, objects, now) => {
      if (objects.some((o) => o.key === 'poison.pdf'))
        throw new AwsCallError('dynamodb', 'UpdateItem', new Error('throttled'));
      return real(rule, objects, now);
    };
    const event = sqsBatch(['good.pdf', 'poison.pdf']);
    const result = await dataArrived(h.workflow, h.logger)(event);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] });
    expect(h.starts()).toHaveLength(1);
  });

  it('an AWS failure on a non-SQS delivery surfaces so Lambda retries it and then dead-letters it', async () => {
    const h = memoryHarness();
    h.ledger.append = async () => {
      throw new AwsCallError('dynamodb', 'UpdateItem', new Error('500'));
    };
    await expect(dataArrived(h.workflow, h.logger)(eventBridge('a'))).rejects.toThrow(/dynamodb.UpdateItem failed/);
  });

  it('ignores and records events from another account or region, taking no action', async () => {
    const h = memoryHarness();
    const handle = dataArrived(h.workflow, h.logger);
    const foreign = eventBridge('a');
    foreign.account = '999999999999';
    const elsewhere = eventBridge('b');
    elsewhere.region = 'eu-west-1';
    await handle(foreign);
    await handle(elsewhere);
    expect(h.world.actions).toEqual([]);
    expect(h.decisions.decisions.map((d) => d.reasons[0])).toEqual([
      expect.stringMatching(/account 999999999999/),
      expect.stringMatching(/region eu-west-1/),
    ]);
  });

  it('records an object outside every rule as ignored', async () => {
    const h = memoryHarness();
    const event = loadFixture('s3-object-created-put.notification.json');
    event.Records[0].s3.object.key = 'HappyFace.png';
    await dataArrived(h.workflow, h.logger)(event);
    expect(h.decisions.decisions).toEqual([
      expect.objectContaining({
        kind: 'retraining.ignore',
        outcome: 'IGNORED',
        reasons: ['s3://mybucket/HappyFace.png matches no retraining rule'],
      }),
    ]);
  });

  it.each([
    ['a zero-byte object is recorded (it is data)', 0, 0],
    ['an impossible size is ignored', 6 * 1024 ** 4, 1],
  ])('%s', async (_n, size, ignored) => {
    const h = memoryHarness();
    const e = eventBridge('z');
    e.detail.object.size = size;
    await dataArrived(h.workflow, h.logger)(e);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.ignore')).toHaveLength(ignored);
  });

  it.each([[null], [{}], [{ Records: [{ eventSource: 'aws:sqs' }] }], ['garbage']])(
    'never crashes on malformed input %p and records it',
    async (event) => {
      const h = memoryHarness();
      // Resolves (a throw would be retried forever) and reports no record for retry.
      const result = await dataArrived(h.workflow, h.logger)(event);
      expect(result ? result.batchItemFailures : []).toEqual([]);
      expect(h.world.actions).toEqual([]);
      expect(h.decisions.decisions[0]?.kind).toBe('retraining.ignore');
    },
  );
});
