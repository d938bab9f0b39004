/**
 * The RollbackStore contract, shared by the memory store and the DynamoDB store. Tests use fresh
 * target, endpoint and pipeline names, so one store (one table) can serve them all.
 */
import { randomBytes } from 'node:crypto';
import type { RollbackStore } from '../../functions/ports/rollback-store';

const fresh = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const T0 = new Date('2026-11-22T10:00:00.000Z');

export function describeRollbackStoreContract(
  name: string,
  makeStore: () => RollbackStore | Promise<RollbackStore>,
  options: { timeout?: number } = {},
): void {
  const timeout = options.timeout ?? 5_000;
  describe(`RollbackStore contract: ${name}`, () => {
    it(
      'exactly one of 50 concurrent claims of one (target, bad version) wins',
      async () => {
        const store = await makeStore();
        const target = fresh('codedeploy:app/group');
        const wins = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.claim(target, 'd-1', `owner-${i}`, T0)),
        );
        expect(wins.filter(Boolean)).toHaveLength(1);
        // Another bad version of the same target is a new rollback.
        expect(await store.claim(target, 'd-2', 'x', T0)).toBe(true);
      },
      timeout,
    );

    it(
      'a released claim can be claimed again, by its owner only; a claim is a five-minute lease',
      async () => {
        const store = await makeStore();
        const target = fresh('endpoint:e');
        expect(await store.claim(target, 'v1', 'a', T0)).toBe(true);
        await store.release(target, 'v1', 'someone-else');
        expect(await store.claim(target, 'v1', 'b', T0)).toBe(false);
        await store.release(target, 'v1', 'a');
        expect(await store.claim(target, 'v1', 'b', T0)).toBe(true);
        // Owner b crashed: after five minutes its claim is taken over.
        expect(await store.claim(target, 'v1', 'c', new Date(T0.getTime() + 60_000))).toBe(false);
        expect(await store.claim(target, 'v1', 'c', new Date(T0.getTime() + 6 * 60_000))).toBe(true);
        expect(await store.claim(target, 'v1', 'd', new Date(T0.getTime() + 7 * 60_000))).toBe(false);
      },
      timeout,
    );

    it(
      'keeps the configs an endpoint was seen InService with, once each, flagging rollbacks',
      async () => {
        const store = await makeStore();
        const endpoint = fresh('ep');
        expect(await store.endpointHistory(endpoint)).toEqual([]);
        const v1 = {
          config: 'c1',
          at: '2026-11-20T00:00:00.000Z',
          modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1',
        };
        const v2 = { config: 'c2', at: '2026-11-21T00:00:00.000Z' };
        expect(await store.recordInService(endpoint, v2)).toBe(true);
        expect(await store.recordInService(endpoint, v1)).toBe(true);
        expect(await store.recordInService(endpoint, v1)).toBe(false);
        expect(await store.endpointHistory(endpoint)).toEqual([v1, v2]);
        await store.markRollback(endpoint, 'c2', 'c1');
        expect(await store.endpointHistory(endpoint)).toEqual([
          { ...v1, restored: true },
          { ...v2, bad: true },
        ]);
      },
      timeout,
    );

    it(
      'remembers the first re-check of an endpoint until cleared',
      async () => {
        const store = await makeStore();
        const endpoint = fresh('ep');
        const r = { endpoint, binding: 'b', alarm: 'a', since: T0.toISOString(), config: 'c1' };
        await store.putRecheck(r);
        await store.putRecheck({ ...r, since: '2026-11-22T11:00:00.000Z' });
        expect((await store.pendingRechecks()).filter((x) => x.endpoint === endpoint)).toEqual([r]);
        await store.clearRecheck(endpoint);
        expect((await store.pendingRechecks()).filter((x) => x.endpoint === endpoint)).toEqual([]);
      },
      timeout,
    );

    it(
      'records freezes, their OK time, and clears them',
      async () => {
        const store = await makeStore();
        const pipeline = fresh('pipe');
        const f = { pipeline, stage: 'Prod', binding: 'b', alarms: ['a1'], since: T0.toISOString() };
        await store.putFreeze(f);
        const mine = async () => (await store.freezes()).filter((x) => x.pipeline === pipeline);
        expect(await mine()).toEqual([f]);
        await store.markOk(pipeline, 'Prod', '2026-11-22T10:30:00.000Z');
        expect(await mine()).toEqual([{ ...f, okSince: '2026-11-22T10:30:00.000Z' }]);
        await store.markOk(pipeline, 'Prod', undefined);
        expect(await mine()).toEqual([f]);
        await store.clearFreeze(pipeline, 'Prod');
        expect(await mine()).toEqual([]);
        // Marking a freeze that does not exist creates nothing.
        await store.markOk(pipeline, 'Prod', '2026-11-22T10:30:00.000Z');
        expect(await mine()).toEqual([]);
      },
      timeout,
    );

    it(
      'counts each retry event once and stops at the maximum, also under concurrent duplicates',
      async () => {
        const store = await makeStore();
        const key = fresh('pipe/stage/exec');
        const first = await Promise.all(Array.from({ length: 10 }, () => store.countAttempt(key, 'event-1', 2)));
        expect(first.filter((r) => r === 1)).toHaveLength(1);
        expect(first.filter((r) => r === 'duplicate')).toHaveLength(9);
        expect(await store.countAttempt(key, 'event-2', 2)).toBe(2);
        expect(await store.countAttempt(key, 'event-3', 2)).toBe('exhausted');
        expect(await store.countAttempt(key, 'event-2', 2)).toBe('duplicate');
      },
      timeout,
    );
  });
}
