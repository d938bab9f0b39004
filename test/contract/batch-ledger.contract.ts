/**
 * The BatchLedger contract, shared by the memory ledger (the reference semantics) and the DynamoDB
 * ledger: if both pass, the simulation tells the truth about batching.
 *
 * `makeLedger` may return the same instance every time: each test works on its own rule name.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { objectIdentity, type ObjectRef } from '../../functions/domain/objects';
import type { BatchLedger, ClosedBatch, OpenBatch } from '../../functions/ports/batch-ledger';

export interface BatchLedgerContractOptions {
  /** Per-test timeout for the slower backends (ms). */
  timeout?: number;
}

let counter = 0;
const freshRule = (): string => `rule-${(counter += 1)}-${randomBytes(3).toString('hex')}`;

export function object(key: string, extra: Partial<ObjectRef> = {}): ObjectRef {
  return {
    bucket: 'training-data',
    key: `incoming/${key}`,
    size: 100 + key.length,
    etag: `etag-${key}`,
    sequencer: `0065${Buffer.from(key).toString('hex').padStart(12, '0').slice(-12)}`,
    eventTime: '2025-03-01T12:00:00.000Z',
    ...extra,
  };
}

const ids = (objects: ObjectRef[]): string[] => objects.map(objectIdentity).sort();
const at = (minute: number): Date => new Date(Date.UTC(2025, 2, 1, 12, minute));
const always = (): boolean => true;

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function describeBatchLedgerContract(
  name: string,
  makeLedger: () => BatchLedger | Promise<BatchLedger>,
  options: BatchLedgerContractOptions = {},
): void {
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;

  describe(`BatchLedger contract: ${name}`, () => {
    let ledger: BatchLedger;
    let rule: string;

    beforeEach(async () => {
      ledger = await makeLedger();
      rule = freshRule();
    });

    test(
      'a rule nobody appended to has an empty open batch',
      async () => {
        expect(await ledger.open(rule)).toEqual({ pendingObjects: 0, pendingBytes: 0, nextSeq: 0 });
        expect(await ledger.members(rule, 0)).toEqual([]);
      },
      timeout,
    );

    test(
      'append dedupes within one call',
      async () => {
        const [a, b] = [object('a.csv'), object('b.csv')];
        const result = await ledger.append(rule, [a, b, { ...a }], at(0));
        expect(ids(result.accepted)).toEqual(ids([a, b]));
        expect(ids(result.duplicates)).toEqual(ids([a]));
        expect(result.open).toMatchObject({ pendingObjects: 2, pendingBytes: a.size + b.size, nextSeq: 0 });
      },
      timeout,
    );

    test(
      'append dedupes across calls, and reports the open batch',
      async () => {
        const [a, b, c] = [object('a.csv'), object('b.csv'), object('c.csv')];
        await ledger.append(rule, [a, b], at(0));
        const second = await ledger.append(rule, [b, c], at(1));
        expect(second.accepted).toEqual([c]);
        expect(second.duplicates).toEqual([b]);
        expect(second.open).toMatchObject({
          pendingObjects: 3,
          pendingBytes: a.size + b.size + c.size,
          lastArrivalAt: at(1).toISOString(),
        });
        const replay = await ledger.append(rule, [a, b, c], at(2));
        expect(replay.accepted).toEqual([]);
        expect(replay.duplicates).toEqual([a, b, c]);
        expect(replay.open).toMatchObject({ pendingObjects: 3, pendingBytes: a.size + b.size + c.size });
        expect(await ledger.open(rule)).toMatchObject({
          pendingObjects: 3,
          pendingBytes: a.size + b.size + c.size,
          nextSeq: 0,
        });
      },
      timeout,
    );

    test(
      'inspect: the counters and the oldest pending arrival, without writing',
      async () => {
        expect(await ledger.inspect(rule)).toEqual({ pendingObjects: 0, pendingBytes: 0, nextSeq: 0 });
        const [a, b, c] = [object('a.csv'), object('b.csv'), object('c.csv')];
        await ledger.append(rule, [a], at(1));
        await ledger.append(rule, [b, c], at(4));
        await ledger.append(rule, [a], at(6)); // a duplicate moves nothing
        const seen = await ledger.inspect(rule);
        expect(seen).toEqual({
          pendingObjects: 3,
          pendingBytes: a.size + b.size + c.size,
          lastArrivalAt: at(4).toISOString(),
          firstArrivalAt: at(1).toISOString(),
          nextSeq: 0,
        });
        expect(await ledger.inspect(rule)).toEqual(seen);
        expect(await ledger.close(rule, always, at(7))).toMatchObject({ seq: 0 });

        // The next open batch ages from its own first object.
        expect(await ledger.inspect(rule)).toEqual({ pendingObjects: 0, pendingBytes: 0, nextSeq: 1 });
        const d = object('d.csv');
        await ledger.append(rule, [d], at(9));
        expect(await ledger.inspect(rule)).toEqual({
          pendingObjects: 1,
          pendingBytes: d.size,
          lastArrivalAt: at(9).toISOString(),
          firstArrivalAt: at(9).toISOString(),
          nextSeq: 1,
        });
      },
      timeout,
    );

    test(
      'a re-upload of the same key (new etag and sequencer) is a new object',
      async () => {
        const first = object('same.csv');
        const reupload = object('same.csv', { etag: 'etag-2', sequencer: '0066000000000002' });
        const result = await ledger.append(rule, [first, reupload], at(0));
        expect(result.accepted).toEqual([first, reupload]);
      },
      timeout,
    );

    test(
      'rules are independent',
      async () => {
        const other = freshRule();
        const a = object('a.csv');
        await ledger.append(rule, [a], at(0));
        expect((await ledger.append(other, [a], at(0))).accepted).toEqual([a]);
        expect(await ledger.close(other, always, at(1))).toMatchObject({ seq: 0 });
        expect((await ledger.open(rule)).pendingObjects).toBe(1);
      },
      timeout,
    );

    test(
      'close with nothing pending returns null without asking',
      async () => {
        const decide = jest.fn(always);
        expect(await ledger.close(rule, decide, at(0))).toBeNull();
        expect(decide).not.toHaveBeenCalled();
      },
      timeout,
    );

    test(
      'close declined by decide keeps every object pending',
      async () => {
        const objects = [object('a.csv'), object('b.csv')];
        await ledger.append(rule, objects, at(0));
        const decide = jest.fn((_members: ObjectRef[], _open: OpenBatch) => false);
        expect(await ledger.close(rule, decide, at(1))).toBeNull();
        expect(decide).toHaveBeenCalledTimes(1);
        expect(ids(decide.mock.calls[0]![0])).toEqual(ids(objects));
        expect(decide.mock.calls[0]![1]).toMatchObject({ pendingObjects: 2, nextSeq: 0 });
        expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 2, nextSeq: 0 });

        const closed = await ledger.close(rule, always, at(2));
        expect(closed?.seq).toBe(0);
        expect(ids(closed!.members)).toEqual(ids(objects));
      },
      timeout,
    );

    test(
      'close moves exactly the pending objects into seq 0, then 1, and members() returns them again',
      async () => {
        const [a, b, c] = [object('a.csv'), object('b.csv'), object('c.csv')];
        await ledger.append(rule, [a, b], at(0));
        const first = await ledger.close(rule, always, at(5));
        expect(first).toEqual({ rule, seq: 0, members: expect.any(Array), closedAt: at(5).toISOString() });
        expect(ids(first!.members)).toEqual(ids([a, b]));
        // What is pending is gone; when the last arrival happened may still be reported.
        const afterFirst = await ledger.open(rule);
        expect(afterFirst).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: 1 });

        await ledger.append(rule, [c], at(6));
        const second = await ledger.close(rule, always, at(7));
        expect(second?.seq).toBe(1);
        expect(second!.members).toEqual([c]);
        expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: 2 });

        expect(ids(await ledger.members(rule, 0))).toEqual(ids([a, b]));
        expect(await ledger.members(rule, 1)).toEqual([c]);
        expect(await ledger.members(rule, 2)).toEqual([]);
      },
      timeout,
    );

    test(
      'members keep every field of the object',
      async () => {
        const full = object('full.csv', { versionId: 'v-123' });
        const bare: ObjectRef = { bucket: 'other-bucket', key: 'x/y z.json', size: 0 };
        await ledger.append(rule, [full, bare], at(0));
        const closed = await ledger.close(rule, always, at(1));
        expect(closed!.members).toEqual(expect.arrayContaining([full, bare]));
        expect(await ledger.members(rule, 0)).toEqual(expect.arrayContaining([full, bare]));
      },
      timeout,
    );

    test(
      'duplicates delivered after a close do not reappear',
      async () => {
        const [a, b] = [object('a.csv'), object('b.csv')];
        await ledger.append(rule, [a], at(0));
        await ledger.close(rule, always, at(1));
        const late = await ledger.append(rule, [a, b], at(2));
        expect(late.accepted).toEqual([b]);
        expect(late.duplicates).toEqual([a]);
        const closed = await ledger.close(rule, always, at(3));
        expect(closed!.members).toEqual([b]);
        expect(await ledger.append(rule, [a, b], at(4))).toMatchObject({ accepted: [], duplicates: [a, b] });
        expect(await ledger.close(rule, always, at(5))).toBeNull();
      },
      timeout,
    );

    test(
      'large appends (more than one hundred objects) are exact',
      async () => {
        const many = Array.from({ length: 230 }, (_, i) => object(`part-${String(i).padStart(4, '0')}.csv`));
        const result = await ledger.append(rule, [...many, ...many.slice(0, 30)], at(0));
        expect(result.accepted).toHaveLength(230);
        expect(result.duplicates).toHaveLength(30);
        expect(result.open.pendingObjects).toBe(230);
        const closed = await ledger.close(rule, always, at(1));
        expect(ids(closed!.members)).toEqual(ids(many));
      },
      timeout,
    );

    test(
      'concurrent duplicate deliveries and closers: every object in exactly one batch',
      async () => {
        const distinct = Array.from({ length: 48 }, (_, i) => object(`storm-${String(i).padStart(3, '0')}.csv`));
        // Each object is delivered 2 or 3 times, spread over 8 appenders in calls of 1–6 objects.
        const deliveries: ObjectRef[][] = Array.from({ length: 8 }, () => []);
        distinct.forEach((o, i) => {
          const copies = 2 + (i % 2);
          const appenders = shuffle([0, 1, 2, 3, 4, 5, 6, 7], i + 1).slice(0, copies);
          for (const a of appenders) deliveries[a]!.push({ ...o });
        });
        const accepted: ObjectRef[] = [];
        const closed: ClosedBatch[] = [];
        let appending = true;

        const appender = async (a: number): Promise<void> => {
          const mine = shuffle(deliveries[a]!, 100 + a);
          for (let i = 0; i < mine.length;) {
            const size = 1 + ((a + i) % 6);
            const result = await ledger.append(rule, mine.slice(i, i + size), new Date());
            accepted.push(...result.accepted);
            i += size;
          }
        };
        const closer = async (): Promise<void> => {
          while (appending) {
            const batch = await ledger.close(rule, always, new Date());
            if (batch) closed.push(batch);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        };

        const closers = [closer(), closer(), closer()];
        await Promise.all(deliveries.map((_, a) => appender(a)));
        appending = false;
        await Promise.all(closers);
        // Drain what is left, until closing twice in a row finds nothing.
        for (let tries = 0, empty = 0; tries < 50 && empty < 2; tries += 1) {
          const batch = await ledger.close(rule, always, new Date());
          if (batch) closed.push(batch);
          empty = batch ? 0 : empty + 1;
        }

        expect(ids(accepted)).toEqual(ids(distinct));
        const all = closed.flatMap((c) => c.members);
        expect(ids(all)).toEqual(ids(distinct)); // none lost, none twice
        expect(closed.map((c) => c.seq).sort((x, y) => x - y)).toEqual(closed.map((_, i) => i));
        for (const batch of closed) expect(ids(await ledger.members(rule, batch.seq))).toEqual(ids(batch.members));
        expect(await ledger.open(rule)).toMatchObject({ pendingObjects: 0, pendingBytes: 0, nextSeq: closed.length });
      },
      timeout,
    );
  });
}
