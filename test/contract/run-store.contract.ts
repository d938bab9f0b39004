/**
 * The RunStore contract, shared by the memory store and the DynamoDB store.
 * `makeStore` may return the same instance every time: each test works on its own rule name.
 */
import { randomBytes } from 'node:crypto';
import {
  CLAIMABLE,
  type BatchRecord,
  type BatchStatus,
  type GuardState,
  type RunStore,
} from '../../functions/ports/run-store';

export interface RunStoreContractOptions {
  timeout?: number;
}

let counter = 0;
const freshRule = (): string => `rule-${(counter += 1)}-${randomBytes(3).toString('hex')}`;

export function batch(
  rule: string,
  seq: number,
  status: BatchStatus = 'CLOSED',
  extra: Partial<BatchRecord> = {},
): BatchRecord {
  return {
    rule,
    seq,
    status,
    objects: 3 + seq,
    bytes: 1_000 * (seq + 1),
    closedAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-01T12:00:00.000Z',
    ...extra,
  };
}

const EMPTY_GUARD: GuardState = { version: 0, startsToday: 0, nextSeq: 0 };

export function describeRunStoreContract(
  name: string,
  makeStore: () => RunStore | Promise<RunStore>,
  options: RunStoreContractOptions = {},
): void {
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;

  describe(`RunStore contract: ${name}`, () => {
    let store: RunStore;
    let rule: string;

    beforeEach(async () => {
      store = await makeStore();
      rule = freshRule();
    });

    test(
      'putBatch stores a batch once only',
      async () => {
        const record = batch(rule, 0, 'CLOSED', { manifestUri: 's3://bucket/manifests/0.json' });
        expect(await store.putBatch(record)).toBe(true);
        expect(await store.putBatch({ ...record, status: 'STARTED', objects: 99 })).toBe(false);
        expect(await store.getBatch(rule, 0)).toEqual(record);
        expect(await store.getBatch(rule, 1)).toBeUndefined();
      },
      timeout,
    );

    test(
      "batches lists one rule's records in seq order, by status and from a seq",
      async () => {
        const other = freshRule();
        expect(await store.batches(rule)).toEqual([]);
        const records = [
          batch(rule, 11, 'DEFERRED', { reason: 'cooldown' }),
          batch(rule, 2, 'STARTED', { executionId: 'exec-2' }),
          batch(rule, 0, 'QUARANTINED', { reason: 'schema: missing column label' }),
          batch(rule, 10, 'CLOSED'),
        ];
        for (const r of records) await store.putBatch(r);
        await store.putBatch(batch(other, 1, 'CLOSED'));
        // The guard lives beside the batches and is not one of them.
        await store.swapGuard(rule, EMPTY_GUARD, { startsToday: 1, nextSeq: 3 });

        expect((await store.batches(rule)).map((b) => b.seq)).toEqual([0, 2, 10, 11]);
        expect(await store.batches(rule, { statuses: ['QUARANTINED', 'DEFERRED'] })).toEqual([records[2], records[0]]);
        expect((await store.batches(rule, { fromSeq: 3 })).map((b) => b.seq)).toEqual([10, 11]);
        expect(await store.batches(rule, { fromSeq: 3, statuses: ['CLOSED'] })).toEqual([records[3]]);
        expect(await store.batches(rule, { statuses: [] })).toEqual([]);
        expect((await store.batches(other)).map((b) => b.rule)).toEqual([other]);
      },
      timeout,
    );

    test(
      'transition moves a batch only from the listed statuses',
      async () => {
        await store.putBatch(batch(rule, 0));
        expect(await store.transition(rule, 0, ['STARTED'], { status: 'QUARANTINED', reason: 'nope' })).toBe(false);
        expect(await store.getBatch(rule, 0)).toEqual(batch(rule, 0));

        const deferred = {
          status: 'DEFERRED' as const,
          reason: 'cooldown until 13:00',
          updatedAt: '2025-03-01T12:05:00.000Z',
        };
        expect(await store.transition(rule, 0, ['CLOSED'], deferred)).toBe(true);
        expect(await store.getBatch(rule, 0)).toEqual({ ...batch(rule, 0), ...deferred });
        expect(await store.transition(rule, 0, ['CLOSED'], { status: 'STARTING' })).toBe(false);
        expect(await store.transition(rule, 9, ['CLOSED', 'DEFERRED'], { status: 'STARTING' })).toBe(false);
        expect(await store.getBatch(rule, 9)).toBeUndefined();
      },
      timeout,
    );

    test(
      'transition sets the patched fields and removes those patched to undefined',
      async () => {
        await store.putBatch(batch(rule, 4, 'DEFERRED', { reason: 'daily cap' }));
        const started = {
          status: 'STARTED' as const,
          reason: undefined,
          executionId: 'exec-1',
          manifestUri: 's3://b/m.json',
          updatedAt: '2025-03-01T13:00:00.000Z',
        };
        expect(await store.transition(rule, 4, ['DEFERRED', 'STARTING'], started)).toBe(true);
        const stored = await store.getBatch(rule, 4);
        expect(stored).toEqual({
          ...batch(rule, 4, 'STARTED'),
          executionId: 'exec-1',
          manifestUri: 's3://b/m.json',
          updatedAt: '2025-03-01T13:00:00.000Z',
        });
        expect(stored?.reason).toBeUndefined();
      },
      timeout,
    );

    test(
      'the guard starts empty and swaps only from the expected version',
      async () => {
        expect(await store.getGuard(rule)).toEqual(EMPTY_GUARD);
        const next = {
          startsToday: 1,
          day: '2025-03-01',
          lastStartAt: '2025-03-01T12:00:00.000Z',
          nextSeq: 1,
          running: { seq: 0, since: '2025-03-01T12:00:00.000Z', executionId: 'exec-0' },
        };
        expect(await store.swapGuard(rule, EMPTY_GUARD, next)).toBe(true);
        const v1 = await store.getGuard(rule);
        expect(v1).toEqual({ ...next, version: 1 });

        expect(await store.swapGuard(rule, EMPTY_GUARD, { startsToday: 9, nextSeq: 9 })).toBe(false);
        expect(await store.getGuard(rule)).toEqual(v1);

        expect(await store.swapGuard(rule, v1, { startsToday: 1, day: '2025-03-01', nextSeq: 1 })).toBe(true);
        expect(await store.getGuard(rule)).toEqual({ version: 2, startsToday: 1, day: '2025-03-01', nextSeq: 1 });
        expect(await store.swapGuard(rule, v1, { startsToday: 5, nextSeq: 5 })).toBe(false);
      },
      timeout,
    );

    test(
      'concurrent swaps from the same version: exactly one wins',
      async () => {
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.swapGuard(rule, EMPTY_GUARD, { startsToday: i, nextSeq: i })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getGuard(rule)).version).toBe(1);
      },
      timeout,
    );

    test(
      'a claim is a guard swap: it names the batch in starting and leaves the batch record alone',
      async () => {
        await store.putBatch(batch(rule, 0, 'DEFERRED', { reason: 'cooldown' }));
        const guard = await store.getGuard(rule);
        const claim = {
          startsToday: 1,
          day: '2025-03-01',
          lastStartAt: '2025-03-01T12:10:00.000Z',
          nextSeq: 1,
          running: { seq: 0, since: '2025-03-01T12:10:00.000Z' },
          starting: { seq: 0, since: '2025-03-01T12:10:00.000Z' },
        };
        const same = await Promise.all([store.swapGuard(rule, guard, claim), store.swapGuard(rule, guard, claim)]);
        expect(same.filter(Boolean)).toHaveLength(1);
        expect(await store.getGuard(rule)).toEqual({ ...claim, version: 1 });
        expect(await store.getBatch(rule, 0)).toEqual(batch(rule, 0, 'DEFERRED', { reason: 'cooldown' }));

        // Recording the start: once, from any status a claimed batch can have.
        const started = {
          status: 'STARTED' as const,
          executionId: 'exec-0',
          reason: undefined,
          updatedAt: '2025-03-01T12:10:01.000Z',
        };
        const recorded = await Promise.all([
          store.transition(rule, 0, CLAIMABLE, started),
          store.transition(rule, 0, CLAIMABLE, started),
        ]);
        expect(recorded.filter(Boolean)).toHaveLength(1);
        const stored = await store.getBatch(rule, 0);
        expect(stored).toEqual({
          ...batch(rule, 0, 'STARTED'),
          executionId: 'exec-0',
          updatedAt: '2025-03-01T12:10:01.000Z',
        });
        expect(stored?.reason).toBeUndefined();
      },
      timeout,
    );

    test(
      'the schedule mark is set once from none, then moves only from the value the mover read',
      async () => {
        expect(await store.getScheduleMark(rule)).toBeUndefined();
        const armed = await Promise.all([
          store.swapScheduleMark(rule, undefined, '2025-03-01T02:00:00.000Z'),
          store.swapScheduleMark(rule, undefined, '2025-03-01T02:01:00.000Z'),
        ]);
        expect(armed.filter(Boolean)).toHaveLength(1);
        const mark = (await store.getScheduleMark(rule))!;
        expect(['2025-03-01T02:00:00.000Z', '2025-03-01T02:01:00.000Z']).toContain(mark);
        expect(await store.swapScheduleMark(rule, '1999-01-01T00:00:00.000Z', '2025-03-02T03:00:00.000Z')).toBe(false);
        expect(await store.getScheduleMark(rule)).toBe(mark);
      },
      timeout,
    );

    test(
      'of concurrent sweeps claiming one fire time from the same mark, exactly one wins',
      async () => {
        await store.swapScheduleMark(rule, undefined, '2025-03-01T02:00:00.000Z');
        const results = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.swapScheduleMark(rule, '2025-03-01T02:00:00.000Z', '2025-03-02T03:00:00.000Z'),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.getScheduleMark(rule)).toBe('2025-03-02T03:00:00.000Z');
      },
      timeout,
    );
  });
}
