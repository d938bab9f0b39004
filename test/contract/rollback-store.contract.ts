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
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;
  describe(`RollbackStore contract: ${name}`, () => {
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
        const r = {
          endpoint,
          binding: 'b',
          alarm: 'a',
          since: T0.toISOString(),
          config: 'c1',
          status: 'SystemUpdating',
        };
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
        // Another alarm freezes it too: both must be OK before it thaws, and the first since stays.
        await store.markOk(pipeline, 'Prod', '2026-11-22T10:30:00.000Z');
        await store.putFreeze({ ...f, binding: 'other', alarms: ['a2'], since: '2026-11-22T10:40:00.000Z' });
        await store.putFreeze({ ...f, alarms: ['a1'], since: '2026-11-22T10:50:00.000Z' });
        expect(await mine()).toEqual([{ ...f, alarms: ['a1', 'a2'] }]);
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
    it(
      "keeps what an incident's rollback steps found, the first record per target, under concurrent writers",
      async () => {
        const store = await makeStore();
        const incident = fresh('live#ServerCpuTooHigh#2026-11-22T10:00:00.000+0000');
        expect(await store.findings(incident)).toEqual([]);
        const stop = {
          target: 'codedeploy:churn-app/churn-live',
          version: 'd-2',
          packages: ['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4'],
        };
        await Promise.all([
          store.recordFindings(incident, stop),
          store.recordFindings(incident, { ...stop, version: 'd-9', packages: [] }),
        ]);
        await store.recordFindings(incident, { target: 'endpoint:churn', version: 'cfg-4', packages: [] });
        await store.recordFindings(incident, { ...stop, version: 'd-3' });
        const found = await store.findings(incident);
        expect(found.map((f) => f.target).sort()).toEqual(['codedeploy:churn-app/churn-live', 'endpoint:churn']);
        expect(found.find((f) => f.target === 'endpoint:churn')).toEqual({
          target: 'endpoint:churn',
          version: 'cfg-4',
          packages: [],
        });
        expect([stop.version, 'd-9']).toContain(found.find((f) => f.target === stop.target)?.version);
        expect(await store.findings(fresh('other'))).toEqual([]);
      },
      timeout,
    );
  });
}
