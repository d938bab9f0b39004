/** The RedeployWatch contract, shared by the memory list and the DynamoDB one. Fresh ids per test. */
import { randomBytes } from 'node:crypto';
import type { RedeployWatch, WatchedRedeploy } from '../../functions/ports/redeploy-watch';

const followed = (): WatchedRedeploy => ({
  deploymentId: `d-${randomBytes(4).toString('hex').toUpperCase()}`,
  binding: 'churn-live',
  subject: 'churn-live/codedeploy:churn-app/churn-live',
  application: 'churn-app',
  group: 'churn-live',
  platform: 'Lambda',
  bad: 'd-BBBBBBBB2',
  good: 'd-BBBBBBBB1',
  alarm: 'churn-latency-p99',
  createdAt: '2026-11-22T10:00:00.000Z',
});

export function describeRedeployWatchContract(
  name: string,
  makeWatch: () => RedeployWatch | Promise<RedeployWatch>,
  options: { timeout?: number } = {},
): void {
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;
  describe(`RedeployWatch contract: ${name}`, () => {
    it(
      'follows a redeployment once, lists it until finished, and never follows it again',
      async () => {
        const watch = await makeWatch();
        const r = followed();
        expect(await watch.watch(r)).toBe(true);
        expect(await watch.watch({ ...r, alarm: 'another-alarm' })).toBe(false);
        expect((await watch.pending()).filter((p) => p.deploymentId === r.deploymentId)).toEqual([r]);
        await watch.finish(r.deploymentId, 'SUCCEEDED');
        expect((await watch.pending()).map((p) => p.deploymentId)).not.toContain(r.deploymentId);
        expect(await watch.watch(r)).toBe(false);
      },
      timeout,
    );

    it(
      'lets exactly one of many concurrent callers follow a redeployment',
      async () => {
        const watch = await makeWatch();
        const r = followed();
        const won = await Promise.all(Array.from({ length: 6 }, () => watch.watch(r)));
        expect(won.filter(Boolean)).toHaveLength(1);
      },
      timeout,
    );
  });
}
