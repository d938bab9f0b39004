/**
 * The data-drop storm driver shared by the storm test and `npm run bench`: object events in SQS
 * batches of 10, every batch delivered twice (duplicates shuffled among first deliveries), from
 * concurrent workers, through the real data-arrived handler and the real DynamoDB/S3 adapters on
 * moto. CodePipeline StartPipelineExecution is not in moto: the memory adapter counts starts by
 * token with AWS's idempotency semantics.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { validatePolicy } from '../../functions/config/policy';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoRetrainRequests } from '../../functions/adapters/aws/dynamodb/retrain-requests';
import { S3ObjectStore } from '../../functions/adapters/aws/s3';
import { MemoryPipelines } from '../../functions/adapters/memory/pipelines';
import { MemoryRunFailures } from '../../functions/adapters/memory/run-failures';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { dataArrived } from '../../functions/handlers/data-arrived';
import { sweeper } from '../../functions/handlers/sweeper';
import { systemClock } from '../../functions/ports/clock';
import { wireRetraining } from '../../functions/wiring/retraining';
import { awsClientConfig, createStateTable, uniqueName } from './aws';
import { loadFixture } from './fixtures';
import { recordingLogger } from './memory-harness';
import { attachMeter } from './wcu-meter';
import { serializeRequests } from './serialize-requests';
import { DynamoBuildSlots } from '../../functions/adapters/aws/dynamodb/build-slots';

/**
 * Only flushes the tail after the storm. Long enough that moto's pauses (every request is
 * serialized; a 10,000-object storm on a loaded 2-core machine has paused for seconds) never pass
 * for a quiet period mid-storm.
 */
const quietSeconds = (objects: number): number => (objects >= 5_000 ? 30 : 5);

export interface StormOptions {
  objects: number;
  batchSize?: number;
  workers?: number;
  /**
   * The deliveries in this many consecutive windows (default 1); after each, with every worker
   * idle, `between` runs against the storm's table (the bench's reference PutItems, side by side
   * with the handler at each size of the table).
   */
  windows?: number;
  between?: (table: string, window: number) => Promise<void>;
}

export interface StormWindow {
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
}

export interface StormResult {
  report: {
    objects: number;
    deliveries: number;
    seconds: number;
    objectEventsPerSecond: number;
    starts: number;
    batchSizes: number[];
    executions: number;
    writeUnits: number;
    /** Batches started while the meter counted (the storm's own closes, before the final sweep). */
    meteredBatches: number;
    writeUnitsPerObject: number;
    writeUnitsPerDelivery: number;
    calls: Record<string, number>;
    writeUnitsByOperation: Record<string, number>;
    /** Per kind of item (see wcu-meter's stateTableKind), failed conditional writes apart. */
    writeUnitsByKind: Record<string, number>;
    sqsRecordsRedelivered: number;
    /** Object-event deliveries and the handler's own time per window (`between` excluded; `seconds` is their sum). */
    windows: StormWindow[];
    /** Decision records per kind, and how many distinct subjects (batches) they are about. */
    decisions: Record<string, { records: number; subjects: number }>;
  };
  tokens: number;
  keys: string[];
  /** The storm's state table (the bench measures moto's per-call costs on it afterwards). */
  table: string;
}

function sqsEvents(bucket: string, count: number) {
  const template = loadFixture('s3-object-created-put.via-sqs.powertools.json').Records[0];
  const events = [];
  for (let i = 0; i < count; i += 10) {
    events.push({
      Records: Array.from({ length: Math.min(10, count - i) }, (_, j) => {
        const n = i + j;
        const r = structuredClone(template);
        const body = JSON.parse(r.body);
        const o = body.Records[0].s3;
        o.bucket.name = bucket;
        o.object = {
          key: `storm/day%3D2026-11-22/part+${String(n).padStart(5, '0')}.csv`,
          size: 1000 + (n % 7),
          eTag: `etag${n}`,
          sequencer: `00${n.toString(16).padStart(14, '0')}`,
        };
        r.body = JSON.stringify(body);
        r.messageId = `msg-${n}`;
        return r;
      }),
    });
  }
  return events;
}

function shuffle<T>(items: T[], seed = 42): T[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export async function runStorm({
  objects,
  batchSize = 100,
  workers = 4,
  windows: windowCount = 1,
  between,
}: StormOptions): Promise<StormResult> {
  const dynamo = new DynamoDBClient({ ...awsClientConfig(), maxAttempts: 5 });
  // moto applies a TransactWriteItems non-atomically with respect to concurrent requests (see
  // serialize-requests.ts); real DynamoDB does. The workers still interleave between requests.
  serializeRequests(dynamo);
  const s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true, maxAttempts: 5 });
  const table = uniqueName('storm');
  await createStateTable(dynamo, table);
  const bucket = uniqueName('storm-data').toLowerCase();
  const manifests = uniqueName('storm-manifests').toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));

  const policy = validatePolicy({
    version: 1,
    controller: {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      manifests: { bucket: manifests, prefix: 'm/' },
    },
    retraining: [
      {
        name: 'storm',
        source: { bucket, prefix: 'storm/' },
        target: { type: 'codepipeline', name: 'storm-pipeline' },
        trigger: { maxObjects: batchSize, quietSeconds: quietSeconds(objects) },
        guards: { exclusive: false },
      },
    ],
  });
  // CodePipeline StartPipelineExecution is not in moto: the memory adapter counts starts by token
  // with AWS's idempotency semantics.
  const world = new MemoryWorld(systemClock);
  world.pipelines.set('storm-pipeline', { kind: 'codepipeline' });
  const { logger, lines } = recordingLogger();
  // One workflow per worker, as each Lambda container builds its own (the ledger's lane is per
  // container); they share the SDK client only so that one meter sees every request.
  const container = () =>
    wireRetraining(
      {
        ledger: new DynamoBatchLedger(dynamo, table, systemClock),
        runs: new DynamoRunStore(dynamo, table),
        decisions: new DynamoDecisionLog(dynamo, table),
        objects: new S3ObjectStore(s3),
        pipelines: new MemoryPipelines(world),
        requests: new DynamoRetrainRequests(dynamo, table),
        failures: new MemoryRunFailures(world),
        slots: new DynamoBuildSlots(dynamo, table),
      },
      { policy, clock: systemClock, logger },
    );
  const meter = attachMeter(dynamo);
  const byKind: Record<string, number> = {};
  if (process.env.STORM_DEBUG)
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as any;
        const kinds = (input.TransactItems ?? [input]).map((t: any) => {
          const x = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck ?? t;
          const item = x.Item ?? x.Key ?? {};
          return `${String(item.pk?.S ?? '').split('#')[0]}:${String(item.sk?.S ?? '').split('#')[0]}`;
        });
        const name = `${context.commandName}(${kinds.join('+')})`;
        try {
          return await next(args);
        } catch (e) {
          byKind[`${name}!${(e as Error).name}`] = (byKind[`${name}!${(e as Error).name}`] ?? 0) + 1;
          throw e;
        } finally {
          byKind[name] = (byKind[name] ?? 0) + 1;
        }
      },
      { step: 'initialize', name: 'stormDebug' },
    );

  const events = sqsEvents(bucket, objects);
  // First deliveries in random order; each duplicate follows later, some while the first is in flight.
  const all = shuffle([...events.map((e) => ({ e, dup: false })), ...events.map((e) => ({ e, dup: true }))]);
  let failures = 0;
  const started = Date.now();
  const since = new Date(started - 1000).toISOString();
  // One handler per worker for the whole storm, as each Lambda container keeps its own.
  const handlers = Array.from({ length: workers }, () => dataArrived(container(), logger));
  const windows: StormWindow[] = [];
  const size = Math.ceil(all.length / windowCount);
  for (let w = 0; w < windowCount; w++) {
    const queue = all.slice(w * size, (w + 1) * size);
    const deliveries = queue.reduce((n, item) => n + item.e.Records.length, 0);
    const t = Date.now();
    await Promise.all(
      handlers.map(async (handle) => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const result = (await handle(structuredClone(item.e))) as {
            batchItemFailures: Array<{ itemIdentifier: string }>;
          };
          // SQS redelivers the records a batch response reports as failed.
          const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          failures += failed.size;
          if (failed.size)
            queue.push({ e: { Records: item.e.Records.filter((r) => failed.has(r.messageId)) }, dup: item.dup });
        }
      }),
    );
    const took = (Date.now() - t) / 1000;
    windows.push({ deliveries, seconds: +took.toFixed(2), deliveriesPerSecond: Math.round(deliveries / took) });
    if (between && w < windowCount - 1) await between(table, w);
  }
  const seconds = windows.reduce((sum, w) => sum + w.seconds, 0);
  const writeUnits = meter.writeUnits;
  const byOperation = { ...meter.writeUnitsByOperation };
  const byItemKind = { ...meter.writeUnitsByKind };
  const calls = { ...meter.calls };
  const meteredBatches = world.actions.filter((a) => a.operation === 'StartPipelineExecution').length;
  // The objects after the last count-closed batch close after the quiet period.
  await new Promise((resolve) => setTimeout(resolve, quietSeconds(objects) * 1000 + 100));
  // The sweeper runs every minute in production; a sweep that hits a transient error is simply
  // followed by the next one.
  for (let sweep = 0; sweep < 3; sweep++)
    await sweeper(container())().catch((e) => console.warn(`sweep ${sweep} failed: ${e}`));
  if (process.env.STORM_DEBUG)
    console.log(
      'after sweep',
      JSON.stringify(await new DynamoBatchLedger(dynamo, table, systemClock).open('storm')),
      JSON.stringify(await new DynamoRunStore(dynamo, table).getGuard('storm')),
      JSON.stringify(lines.filter((l) => l.level !== 'info').slice(0, 5)),
    );

  const decisions: Record<string, { records: number; subjects: number }> = {};
  const subjects = new Map<string, Set<string>>();
  for (const d of await new DynamoDecisionLog(dynamo, table).list({ since })) {
    decisions[d.kind] = { records: (decisions[d.kind]?.records ?? 0) + 1, subjects: 0 };
    subjects.set(d.kind, (subjects.get(d.kind) ?? new Set()).add(d.subject));
  }
  for (const [kind, set] of subjects) decisions[kind]!.subjects = set.size;

  const starts = world.actions.filter((a) => a.operation === 'StartPipelineExecution');
  const tokens = new Set(starts.map((a) => a.input.clientRequestToken));
  const keys: string[] = [];
  const batchSizes: number[] = [];
  for (const start of starts) {
    const uri = (start.input.variables as Array<{ name: string; value: string }>).find(
      (v) => v.name === 'MANIFEST_URI',
    )!.value;
    const [, , b, ...rest] = uri.split('/');
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: b, Key: rest.join('/') }))
    ).Body!.transformToString();
    const manifest = JSON.parse(body);
    batchSizes.push(manifest.objectCount);
    keys.push(...manifest.objects.map((o: { key: string }) => o.key));
  }

  const report = {
    objects: objects,
    deliveries: objects * 2,
    seconds: Math.round(seconds),
    objectEventsPerSecond: Math.round((objects * 2) / seconds),
    starts: starts.length,
    batchSizes,
    executions: world.executions.length,
    writeUnits,
    meteredBatches,
    writeUnitsPerObject: +(writeUnits / objects).toFixed(3),
    writeUnitsPerDelivery: +(writeUnits / (objects * 2)).toFixed(3),
    calls,
    writeUnitsByOperation: byOperation,
    writeUnitsByKind: byItemKind,
    sqsRecordsRedelivered: failures,
    windows,
    decisions,
  };
  if (process.env.STORM_DEBUG)
    console.log(
      JSON.stringify(lines.filter((l) => l.level !== 'info' || l.message.startsWith('decision')).slice(0, 40), null, 1),
    );

  if (process.env.STORM_DEBUG) console.log(JSON.stringify(byKind, null, 1));
  return { report, tokens: tokens.size, keys, table };
}
