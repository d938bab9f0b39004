import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger, identityHash } from '../../../../functions/adapters/aws/dynamodb/ledger';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { attachMeter } from '../../../support/wcu-meter';
import { describeBatchLedgerContract, object } from '../../../contract/batch-ledger.contract';

const client = new DynamoDBClient(awsClientConfig());
/** A second client, for the one party a test holds mid-protocol (a slow writer, a paused closer). */
const held = new DynamoDBClient(awsClientConfig());
/**
 * A client whose every request waits 0–10 ms first, so concurrent callers interleave at every step,
 * and whose chunk writes wait 0–150 ms: closers often read a lane while a writer is about to extend it.
 */
const jittery = new DynamoDBClient(awsClientConfig());
jittery.middlewareStack.add(
  (next) => async (args) => {
    const item = (args.input as { Item?: Record<string, { S?: string }> }).Item;
    const chunk = item?.sk?.S?.startsWith('C#');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * (chunk ? 150 : 10)));
    return next(args);
  },
  { step: 'initialize', name: 'jitter' },
);
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client, held, jittery);
const table = uniqueName('ledger');

beforeAll(() => createStateTable(client, table));
afterAll(() => {
  client.destroy();
  held.destroy();
  jittery.destroy();
});

describeBatchLedgerContract('dynamodb (moto)', () => new DynamoBatchLedger(client, table));

// The same contract with jittered requests and a single lane: every concurrent append races the
// others for the same next position, and the losers must try again further on.
describeBatchLedgerContract(
  'dynamodb (moto), jittered, one lane for everybody',
  () => new DynamoBatchLedger(jittery, table, undefined, { lanes: 1, appendAttempts: 50 }),
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

const isChunkPut = (command: string, input: any): boolean =>
  command === 'PutItemCommand' && String(input.Item?.sk?.S).startsWith('C#');
/** The closer's batch item, written after it read the lanes and before its commit. */
const isBatchPut = (command: string, input: any): boolean =>
  command === 'PutItemCommand' && String(input.Item?.sk?.S).startsWith('SEQ#');
/** The commit: the cuts and nextSeq on OPEN, dropping the lease. */
const isCommit = (command: string, input: any): boolean =>
  command === 'UpdateItemCommand' && input.Key?.sk?.S === 'OPEN' && /REMOVE #lease/.test(input.UpdateExpression);

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
        Key: { pk: { S: sk.startsWith('OBJ#') ? `LEDGER#${rule}#${sk.charAt(4)}` : `LEDGER#${rule}` }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    );

  test('a writer that died between its chunk and its identities: the closer claims them', async () => {
    // Identity writes fail for good (the SDK's retries exhausted): the append surfaces the error.
    const dying = new DynamoDBClient(awsClientConfig());
    serializeRequests(dying);
    dying.middlewareStack.add(
      (next) => async (args) => {
        const sk = (args.input as { Item?: Record<string, { S?: string }> }).Item?.sk?.S;
        if (sk?.startsWith('OBJ#'))
          throw Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
        return next(args);
      },
      { step: 'initialize', name: 'die-before-identities' },
    );
    const a = object('orphan.csv');
    await expect(new DynamoBatchLedger(dying, table, undefined, { lane: 2 }).append(rule, [a], at)).rejects.toThrow(
      /PutItem/,
    );
    dying.destroy();
    expect((await raw('C#02#0000000001')).Item).toBeDefined();
    expect((await raw(`OBJ#${identityHash(a)}`)).Item).toBeUndefined();

    const ledger = new DynamoBatchLedger(client, table);
    expect(await ledger.close(rule, always, at)).toMatchObject({ seq: 0, members: [a] });
    expect((await raw(`OBJ#${identityHash(a)}`)).Item).toMatchObject({
      c: { S: 'C#02#0000000001' },
      ttl: { N: expect.any(String) },
    });
    // The redelivery after the failure is a duplicate: the object is already in batch 0.
    expect(await ledger.append(rule, [a], at)).toMatchObject({ accepted: [], duplicates: [a] });
    expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: 1 });
  });

  test('a chunk written after the closer read its lane goes to the next batch', async () => {
    const closer = new DynamoBatchLedger(held, table, undefined, { lane: 0 });
    const writer = new DynamoBatchLedger(client, table, undefined, { lane: 0 });
    const [a, b] = [object('first.csv'), object('second.csv')];
    await writer.append(rule, [a], at);
    const hold = holdFirst(isBatchPut);

    const closing = closer.close(rule, always, at);
    await hold.reached; // the closer read lane 0 through position 1 and is about to record the batch
    expect(await writer.append(rule, [b], at)).toMatchObject({ accepted: [b] }); // position 2
    hold.release();
    expect(await closing).toMatchObject({ seq: 0, members: [a] });

    expect(await writer.open(rule)).toMatchObject({ pendingObjects: 1, pendingBytes: b.size, nextSeq: 1 });
    expect(await writer.close(rule, always, at)).toMatchObject({ seq: 1, members: [b] });
    expect(await writer.members(rule, 0)).toEqual([a]);
    expect(await writer.members(rule, 1)).toEqual([b]);
  });

  test('two containers racing for the same lane position: the loser moves to another lane', async () => {
    const one = new DynamoBatchLedger(client, table, undefined, { lanes: 2, lane: 0 });
    const two = new DynamoBatchLedger(held, table, undefined, { lanes: 2, lane: 0 });
    const [a, b] = [object('one.csv'), object('two.csv')];
    const hold = holdFirst(isChunkPut);
    const second = two.append(rule, [b], at);
    await hold.reached; // two is about to write lane 0, position 1
    await one.append(rule, [a], at); // one takes it
    hold.release();
    expect(await second).toMatchObject({ accepted: [b], duplicates: [] });

    expect((await raw('C#00#0000000001')).Item).toBeDefined();
    expect((await raw('C#01#0000000001')).Item).toBeDefined();
    expect(await one.open(rule)).toMatchObject({ pendingObjects: 2, nextSeq: 0 });
    const closed = await one.close(rule, always, at);
    expect(closed?.members.map((m) => m.key).sort()).toEqual([a.key, b.key]);
  });

  test.each([
    ['its batch item', isBatchPut],
    ['its commit (its batch item written, then replaced by the new holder)', isCommit],
  ])('a closer holding the lease excludes others until it expires; then %s is refused', async (_, step) => {
    const paused = new DynamoBatchLedger(held, table);
    const other = new DynamoBatchLedger(client, table);
    const objects = [object('a.csv'), object('b.csv'), object('c.csv')];
    await other.append(rule, objects.slice(0, 2), at);
    const hold = holdFirst(step);

    const first = paused.close(rule, always, at);
    await hold.reached; // leased, verified, about to write
    expect(await other.close(rule, always, at)).toBeNull(); // the lease is live
    // The new holder's batch has an object the paused closer never saw: its record must win.
    await other.append(rule, objects.slice(2), at);
    const later = new Date(at.getTime() + 31_000);
    const takeover = await other.close(rule, always, later);
    expect(takeover).toMatchObject({ seq: 0 });
    expect(takeover!.members).toHaveLength(3);
    hold.release();
    expect(await first).toBeNull();

    expect(await other.members(rule, 0)).toHaveLength(3);
    expect(await other.members(rule, 1)).toEqual([]);
    expect(await other.open(rule)).toMatchObject({ pendingObjects: 0, nextSeq: 1 });
  });

  test('an object delivered concurrently to two writers is accepted once and closed once', async () => {
    const a = object('twice.csv');
    const one = new DynamoBatchLedger(client, table, undefined, { lane: 0 });
    const two = new DynamoBatchLedger(held, table, undefined, { lane: 0 });
    // Both read before either claims the identity; both chunks list it.
    const hold = holdFirst(isChunkPut);
    const second = two.append(rule, [a], at);
    await hold.reached;
    const first = await one.append(rule, [a], at);
    hold.release();
    const results = [first, await second];
    expect(results.flatMap((r) => r.accepted)).toEqual([a]);
    expect(results.flatMap((r) => r.duplicates)).toEqual([a]);
    // Only the chunk its identity names counts it.
    expect(await one.close(rule, always, at)).toMatchObject({ seq: 0, members: [a] });
    expect(await one.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0 });
  });
});

describe('billed write units (DynamoDB rules, see test/support/wcu-meter.ts)', () => {
  test('appending 10 new objects per call bills 1.1 write units per object; duplicates bill none', async () => {
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
    // A fresh container reads each of the 4 lanes' last chunk once; then one read per append.
    expect(appendCalls).toEqual({ Query: 4, BatchGetItem: 10, PutItem: 110 });
    // Per append: 10 identities + one chunk under 1 KB.
    expect(appendUnits).toBe(110);
    expect(duplicateUnits).toBe(0);
    // Lease, batch item, commit: one unit each (a transaction of the last two would bill 4).
    expect(closeUnits).toBe(3);
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
