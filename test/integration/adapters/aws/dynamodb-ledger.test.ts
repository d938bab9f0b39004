import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger, identityHash } from '../../../../functions/adapters/aws/dynamodb/ledger';
import type { ObjectRef } from '../../../../functions/domain/objects';
import type { Clock } from '../../../../functions/ports/clock';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { attachMeter } from '../../../support/wcu-meter';
import { describeBatchLedgerContract, object } from '../../../contract/batch-ledger.contract';

const client = new DynamoDBClient(awsClientConfig());
/** A second client, for the one party a test holds mid-protocol (a slow writer, a paused closer). */
const held = new DynamoDBClient(awsClientConfig());
/**
 * A client whose every request waits 0–10 ms first, so concurrent callers interleave at every step,
 * and whose chunk writes wait 0–150 ms: closers often find a writer between its position and its chunk.
 */
const jittery = new DynamoDBClient(awsClientConfig());
jittery.middlewareStack.add(
  (next) => async (args) => {
    const item = (args.input as { Item?: Record<string, { S?: string }> }).Item;
    const chunk = item?.sk?.S?.startsWith('POS#') && !item.void;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * (chunk ? 150 : 10)));
    return next(args);
  },
  { step: 'initialize', name: 'jitter' },
);
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client, held, jittery);
const table = uniqueName('ledger');

/** Real time, but a closer's polls for missing positions do not wait. */
const impatient: Clock = { now: () => new Date(), sleep: async () => {} };

beforeAll(() => createStateTable(client, table));
afterAll(() => {
  client.destroy();
  held.destroy();
  jittery.destroy();
});

describeBatchLedgerContract('dynamodb (moto)', () => new DynamoBatchLedger(client, table), { timeout: 30_000 });

// The same contract with jittered requests and closers that never wait for a writer between its
// position and its chunk: positions get voided under the writers' feet, and they must re-append.
describeBatchLedgerContract(
  'dynamodb (moto), jittered, closers that void at once',
  () => new DynamoBatchLedger(jittery, table, impatient, { missingPolls: 0, appendAttempts: 50 }),
  { timeout: 30_000 },
);

/** Holds the first request of `held` that `matches` until `release()`; `reached` resolves when it is held. */
function holdFirst(matches: (command: string, input: any) => boolean) {
  let release!: () => void;
  let reachedResolve!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reachedResolve = resolve));
  let armed = true;
  const name = `hold-${Math.random()}`;
  held.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && matches(String(context.commandName), args.input)) {
        armed = false;
        reachedResolve();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    reached,
    release: () => {
      release();
      held.middlewareStack.remove(name);
    },
  };
}

describe('DynamoBatchLedger on DynamoDB', () => {
  const at = new Date('2025-03-01T12:00:00.000Z');
  const always = (): boolean => true;
  let rule: string;
  beforeEach(() => {
    rule = uniqueName('rule');
  });

  const raw = (sk: string) =>
    client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `LEDGER#${rule}` }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    );
  /** What a writer's step (2) does, for writers that die right after it. */
  const takePosition = (n: number, bytes: number) =>
    client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `LEDGER#${rule}` }, sk: { S: 'OPEN' } },
        UpdateExpression: 'ADD pos :one, #count :n, #bytes :b',
        ExpressionAttributeNames: { '#count': 'count', '#bytes': 'bytes' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':n': { N: String(n) }, ':b': { N: String(bytes) } },
        ReturnValues: 'ALL_NEW',
      }),
    );

  test('a writer that died after taking a position: the closer voids it and closes the rest', async () => {
    const ledger = new DynamoBatchLedger(client, table, impatient);
    await takePosition(1, 500); // position 1, never written
    const b = object('b.csv');
    await ledger.append(rule, [b], at);

    const closed = await ledger.close(rule, always, at);
    expect(closed).toMatchObject({ seq: 0, members: [b] });
    expect((await raw('POS#000000000001')).Item).toMatchObject({ void: { BOOL: true } });
    // The dead writer's counts cannot be known (its chunk never existed): the hint keeps them.
    expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 1, pendingBytes: 500, nextSeq: 1 });
    expect(await ledger.close(rule, always, at)).toBeNull();
  });

  test('a writer that died between its chunk and its identities: the closer claims them', async () => {
    const ledger = new DynamoBatchLedger(client, table, impatient);
    const a: ObjectRef = { bucket: 'training-data', key: 'incoming/orphan.csv', size: 42, etag: 'e1' };
    await takePosition(1, 42);
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `LEDGER#${rule}` },
          sk: { S: 'POS#000000000001' },
          b: { S: a.bucket },
          objs: { L: [{ M: { k: { S: a.key }, s: { N: '42' }, e: { S: 'e1' } } }] },
          n: { N: '1' },
          bytes: { N: '42' },
        },
      }),
    );

    const closed = await ledger.close(rule, always, at);
    expect(closed).toMatchObject({ seq: 0, members: [a] });
    expect((await raw(`OBJ#${identityHash(a)}`)).Item).toMatchObject({ p: { N: '1' }, ttl: { N: expect.any(String) } });
    expect(await ledger.append(rule, [a], at)).toMatchObject({ accepted: [], duplicates: [a] });
    expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: 1 });
  });

  test('a slow writer whose position was voided appends again at a new position', async () => {
    const writer = new DynamoBatchLedger(held, table);
    const closer = new DynamoBatchLedger(client, table, impatient);
    const a = object('slow.csv');
    const hold = holdFirst(
      (command, input) => command === 'PutItemCommand' && String(input.Item?.sk?.S).startsWith('POS#'),
    );

    const appending = writer.append(rule, [a], at);
    await hold.reached; // the writer holds position 1 but has not written its chunk
    expect(await closer.close(rule, always, at)).toBeNull(); // voids position 1: nothing to close
    hold.release();
    expect(await appending).toMatchObject({ accepted: [a], duplicates: [] });

    expect((await raw('POS#000000000001')).Item).toMatchObject({ void: { BOOL: true } });
    expect((await raw(`OBJ#${identityHash(a)}`)).Item).toMatchObject({ p: { N: '2' } });
    expect(await closer.open(rule)).toMatchObject({ pendingObjects: 1, pendingBytes: a.size, nextSeq: 0 });
    expect(await closer.close(rule, always, at)).toMatchObject({ seq: 0, members: [a] });
    expect(await closer.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: 1 });
  });

  test('a closer holding the lease excludes others until it expires; then its own commit is refused', async () => {
    const paused = new DynamoBatchLedger(held, table);
    const other = new DynamoBatchLedger(client, table);
    const objects = [object('a.csv'), object('b.csv')];
    await other.append(rule, objects, at);
    const hold = holdFirst((command) => command === 'TransactWriteItemsCommand');

    const first = paused.close(rule, always, at);
    await hold.reached; // leased, verified, about to commit
    expect(await other.close(rule, always, at)).toBeNull(); // the lease is live
    const later = new Date(at.getTime() + 31_000);
    const takeover = await other.close(rule, always, later);
    expect(takeover).toMatchObject({ seq: 0 });
    expect(takeover!.members).toHaveLength(2);
    hold.release();
    expect(await first).toBeNull();

    expect(await other.members(rule, 0)).toHaveLength(2);
    expect(await other.members(rule, 1)).toEqual([]);
    expect(await other.open(rule)).toMatchObject({ pendingObjects: 0, nextSeq: 1 });
  });

  test('an object delivered concurrently to two writers is accepted once and closed once', async () => {
    const a = object('twice.csv');
    const one = new DynamoBatchLedger(client, table);
    const two = new DynamoBatchLedger(held, table);
    // Both pass step (1) before either claims the identity.
    const hold = holdFirst((command) => command === 'UpdateItemCommand');
    const second = two.append(rule, [a], at);
    await hold.reached;
    const first = await one.append(rule, [a], at);
    hold.release();
    const results = [first, await second];
    expect(results.flatMap((r) => r.accepted)).toEqual([a]);
    expect(results.flatMap((r) => r.duplicates)).toEqual([a]);
    // Both chunks list it; only the position its identity names counts.
    expect(await one.close(rule, always, at)).toMatchObject({ seq: 0, members: [a] });
    expect(await one.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0 });
  });
});

describe('billed write units (DynamoDB rules, see test/support/wcu-meter.ts)', () => {
  test('appending 10 new objects per call costs about 1.3 write units per object; duplicates cost none', async () => {
    const metered = new DynamoDBClient(awsClientConfig());
    serializeRequests(metered);
    const meter = attachMeter(metered);
    const ledger = new DynamoBatchLedger(metered, table);
    const rule = uniqueName('billing');
    // Realistic S3 objects: a dated key, a 32-hex etag, a sequencer, an event time.
    const objects = Array.from({ length: 100 }, (_, i) =>
      object(`dt=2025-03-01/hour=12/part-${String(i).padStart(5, '0')}-6f1c2a.snappy.parquet`, {
        etag: 'd41d8cd98f00b204e9800998ecf8427e',
        sequencer: `0067C2F1A3${String(i).padStart(6, '0')}`,
        size: 5_000_000,
      }),
    );

    for (let i = 0; i < 100; i += 10) await ledger.append(rule, objects.slice(i, i + 10), new Date());
    const appendUnits = meter.writeUnits;
    const appendCalls = { ...meter.calls };
    meter.reset();
    for (let i = 0; i < 100; i += 10) await ledger.append(rule, objects.slice(i, i + 10), new Date());
    const duplicateUnits = meter.writeUnits;
    meter.reset();
    const closed = await ledger.close(rule, always, new Date());
    const closeUnits = meter.writeUnits;

    console.log(
      `billed write units: ${appendUnits} for 100 new objects in 10 appends (${appendUnits / 100}/object; by operation ${JSON.stringify(
        appendCalls,
      )}); duplicates ${duplicateUnits}; close of 100 ${closeUnits} (calls ${JSON.stringify(meter.calls)})`,
    );
    expect(closed?.members).toHaveLength(100);
    expect(appendCalls).toEqual({ BatchGetItem: 10, UpdateItem: 10, PutItem: 110 });
    expect(appendUnits / 100).toBeLessThanOrEqual(1.4);
    expect(duplicateUnits).toBe(0);
    expect(closeUnits).toBeLessThanOrEqual(6);
    metered.destroy();
    function always(): boolean {
      return true;
    }
  });

  test("moto's ConsumedCapacity is a placeholder, not DynamoDB's billing", async () => {
    const key = { pk: { S: `PROBE#${uniqueName('cc')}` }, sk: { S: 'x' } };
    const put = await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...key, v: { S: 'x'.repeat(3_000) } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const update = await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET w = :w',
        ExpressionAttributeValues: { ':w': { N: '1' } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // DynamoDB would bill 3 write units for each (a 3 KB item); moto answers 1 and 0.5.
    expect(put.ConsumedCapacity?.CapacityUnits).toBe(1);
    expect(update.ConsumedCapacity?.CapacityUnits).toBe(0.5);
  });
});
