/**
 * The RetrainRequests contract, shared by the memory store and the DynamoDB store. Tests use fresh
 * rule names, so one store (one table) can serve them all.
 */
import { randomBytes } from 'node:crypto';
import { STALE_TAKE_MS, type RetrainRequest, type RetrainRequests } from '../../functions/ports/retrain-requests';

const T0 = new Date('2026-11-22T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function requestFor(rule: string, alarm: string, minutes = 0): RetrainRequest {
  const since = later(minutes * 60_000).toISOString();
  return {
    rule,
    token: `alarm-drift-${alarm}-${since}`,
    batchId: `alarm-${alarm}`,
    binding: 'drift',
    alarm,
    reason: `alarm ${alarm} in ALARM since ${since}`,
    requestedAt: since,
  };
}

export function describeRetrainRequestsContract(
  name: string,
  makeStore: () => RetrainRequests | Promise<RetrainRequests>,
  options: { timeout?: number } = {},
): void {
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;
  describe(`RetrainRequests contract: ${name}`, () => {
    let store: RetrainRequests;
    let rule: string;
    beforeEach(async () => {
      store = await makeStore();
      rule = `churn-${randomBytes(4).toString('hex')}`;
    });

    it(
      'records one request per alarm transition, however many deliveries race to record it',
      async () => {
        const r = requestFor(rule, 'feature-drift');
        const recorded = await Promise.all(Array.from({ length: 20 }, () => store.request(r)));
        expect(recorded.filter(Boolean)).toHaveLength(1);
        expect(await store.request(r)).toBe(false);
        expect(await store.pending(rule, T0)).toEqual([r]);
        // The next transition of the same alarm is a request of its own.
        expect(await store.request(requestFor(rule, 'feature-drift', 10))).toBe(true);
      },
      timeout,
    );

    it(
      'lists pending requests of one rule, oldest first',
      async () => {
        const second = requestFor(rule, 'b', 5);
        const first = requestFor(rule, 'a', 1);
        await store.request(second);
        await store.request(first);
        await store.request(requestFor(`${rule}-other`, 'a'));
        expect(await store.pending(rule, later(6 * 60_000))).toEqual([first, second]);
      },
      timeout,
    );

    it(
      'lets exactly one of concurrent takers have a request',
      async () => {
        const r = requestFor(rule, 'feature-drift');
        await store.request(r);
        const taken = await Promise.all(Array.from({ length: 10 }, () => store.take(rule, r.token, T0)));
        expect(taken.filter(Boolean)).toHaveLength(1);
        expect(await store.pending(rule, T0)).toEqual([]);
        expect(await store.take(rule, 'no-such-request', T0)).toBe(false);
      },
      timeout,
    );

    it(
      'hands a request whose taker went silent to the next taker',
      async () => {
        const r = requestFor(rule, 'feature-drift');
        await store.request(r);
        expect(await store.take(rule, r.token, T0)).toBe(true);
        expect(await store.take(rule, r.token, later(STALE_TAKE_MS - 1))).toBe(false);
        expect(await store.pending(rule, later(STALE_TAKE_MS + 1))).toEqual([r]);
        expect(await store.take(rule, r.token, later(STALE_TAKE_MS + 1))).toBe(true);
      },
      timeout,
    );

    it(
      'never hands out a settled request again; the first outcome stays',
      async () => {
        const r = requestFor(rule, 'feature-drift');
        await store.request(r);
        expect(await store.take(rule, r.token, T0)).toBe(true);
        await store.settle(rule, r.token, 'STARTED', T0, 'exec-1');
        await store.settle(rule, r.token, 'DEFERRED', T0);
        const muchLater = later(10 * STALE_TAKE_MS);
        expect(await store.pending(rule, muchLater)).toEqual([]);
        expect(await store.take(rule, r.token, muchLater)).toBe(false);
        expect(await store.request(r)).toBe(false);
      },
      timeout,
    );
  });
}
