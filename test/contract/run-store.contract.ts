/**
 * The RunStore contract, shared by the memory store and the DynamoDB store.
 * `makeStore` may return the same instance every time: each test works on its own rule name.
 */
import { randomBytes } from 'node:crypto';
import type { BatchRecord, BatchStatus, GuardState, RunStore } from '../../functions/ports/run-store';

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
  const timeout = options.timeout ?? 5_000;

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
      'listBatches filters by status, oldest first',
      async () => {
        for (const [seq, status] of [
          [11, 'CLOSED'],
          [2, 'DEFERRED'],
          [0, 'STARTED'],
          [1, 'CLOSED'],
          [3, 'QUARANTINED'],
        ] as const)
          await store.putBatch(batch(rule, seq, status));
        await store.putBatch(batch(`${rule}-other`, 5, 'CLOSED'));
        expect((await store.listBatches(rule, ['CLOSED', 'DEFERRED'])).map((b) => b.seq)).toEqual([1, 2, 11]);
        expect((await store.listBatches(rule, ['STARTED'])).map((b) => b.seq)).toEqual([0]);
        expect(await store.listBatches(rule, ['STARTING'])).toEqual([]);
        expect(await store.listBatches(rule, [])).toEqual([]);
        expect((await store.listBatches(rule, ['QUARANTINED']))[0]).toEqual(batch(rule, 3, 'QUARANTINED'));
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
      'claimStart moves guard and batch together',
      async () => {
        await store.putBatch(batch(rule, 0, 'DEFERRED', { reason: 'cooldown' }));
        const guard = await store.getGuard(rule);
        const next = {
          startsToday: 1,
          day: '2025-03-01',
          lastStartAt: '2025-03-01T12:10:00.000Z',
          nextSeq: 0,
          running: { seq: 0, since: '2025-03-01T12:10:00.000Z' },
        };
        expect(await store.claimStart(rule, 0, guard, next, '2025-03-01T12:10:00.000Z')).toBe(true);
        const claimed = await store.getBatch(rule, 0);
        expect(claimed).toEqual({ ...batch(rule, 0, 'STARTING'), updatedAt: '2025-03-01T12:10:00.000Z' });
        expect(claimed?.reason).toBeUndefined();
        expect(await store.getGuard(rule)).toEqual({ ...next, version: 1 });
      },
      timeout,
    );

    test(
      'claimStart fails, changing nothing, when the batch is not CLOSED or DEFERRED',
      async () => {
        await store.putBatch(batch(rule, 0, 'STARTED'));
        const guard = await store.getGuard(rule);
        expect(await store.claimStart(rule, 0, guard, { startsToday: 1, nextSeq: 1 }, '2025-03-01T12:10:00.000Z')).toBe(
          false,
        );
        expect(await store.getGuard(rule)).toEqual(EMPTY_GUARD);
        expect(await store.getBatch(rule, 0)).toEqual(batch(rule, 0, 'STARTED'));
        // A batch that does not exist cannot be claimed either.
        expect(await store.claimStart(rule, 7, guard, { startsToday: 1, nextSeq: 1 }, '2025-03-01T12:10:00.000Z')).toBe(
          false,
        );
        expect(await store.getGuard(rule)).toEqual(EMPTY_GUARD);
      },
      timeout,
    );

    test(
      'claimStart fails, changing nothing, when the guard moved',
      async () => {
        await store.putBatch(batch(rule, 0));
        const stale = await store.getGuard(rule);
        expect(
          await store.swapGuard(rule, stale, { startsToday: 0, nextSeq: 0, lastStartAt: '2025-03-01T11:00:00.000Z' }),
        ).toBe(true);
        const current = await store.getGuard(rule);
        expect(await store.claimStart(rule, 0, stale, { startsToday: 1, nextSeq: 1 }, '2025-03-01T12:10:00.000Z')).toBe(
          false,
        );
        expect(await store.getBatch(rule, 0)).toEqual(batch(rule, 0));
        expect(await store.getGuard(rule)).toEqual(current);
      },
      timeout,
    );

    test(
      'two concurrent claimStart with the same expected guard: exactly one succeeds',
      async () => {
        await store.putBatch(batch(rule, 0));
        await store.putBatch(batch(rule, 1));
        const guard = await store.getGuard(rule);
        const same = await Promise.all([
          store.claimStart(rule, 0, guard, { startsToday: 1, nextSeq: 1 }, '2025-03-01T12:10:00.000Z'),
          store.claimStart(rule, 0, guard, { startsToday: 1, nextSeq: 1 }, '2025-03-01T12:10:00.000Z'),
        ]);
        expect(same.filter(Boolean)).toHaveLength(1);

        const after = await store.getGuard(rule);
        expect(after.version).toBe(1);
        const different = await Promise.all([
          store.claimStart(rule, 1, after, { startsToday: 2, nextSeq: 2 }, '2025-03-01T12:11:00.000Z'),
          store.claimStart(rule, 1, after, { startsToday: 2, nextSeq: 2 }, '2025-03-01T12:11:00.000Z'),
        ]);
        expect(different.filter(Boolean)).toHaveLength(1);
        expect((await store.getGuard(rule)).version).toBe(2);
        expect((await store.listBatches(rule, ['STARTING'])).map((b) => b.seq)).toEqual([0, 1]);
      },
      timeout,
    );
  });
}
