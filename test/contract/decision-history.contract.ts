/**
 * The DecisionHistory contract, shared by the memory log and the DynamoDB log: the same query
 * selects the same records from either (`decisions` on a table and `decisions --scenario`).
 * The store may be shared between tests: every query here names a kind family or subject of its own.
 */
import { randomBytes } from 'node:crypto';
import type { DecisionHistory } from '../../functions/ports/decision-history';
import type { Decision, DecisionLog } from '../../functions/ports/decision-log';

export interface DecisionHistorySubject {
  log: DecisionLog & DecisionHistory;
  /** Moves "now" (the default end of every window). */
  setNow(iso: string): void;
}

const fresh = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
const ARN = (group: string, version: number) =>
  `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`;

export function describeDecisionHistoryContract(
  name: string,
  makeSubject: () => Promise<DecisionHistorySubject>,
  options: { timeout?: number } = {},
): void {
  // Undefined unless a backend asks: the suite's hang guard (jest.config.ts) applies.
  const timeout = options.timeout;

  describe(`DecisionHistory contract: ${name}`, () => {
    let s: DecisionHistorySubject;
    beforeEach(async () => {
      s = await makeSubject();
      s.setNow('2026-03-10T12:00:00.000Z');
    });

    const d = (kind: string, subject: string, at: string, extra: Partial<Decision> = {}): Decision => ({
      kind,
      subject,
      outcome: 'DONE',
      reasons: [`why ${subject}`],
      inputs: {},
      at,
      ...extra,
    });
    const record = async (...decisions: Decision[]) => {
      for (const x of decisions) await s.log.record(x);
    };
    const since = '2026-03-01T00:00:00.000Z';

    test(
      'a kind selects itself, and as a family every kind under it, not a kind that only starts alike',
      async () => {
        const family = fresh('k');
        await record(
          d(`${family}.registry`, 'a', '2026-03-09T10:00:00.000Z'),
          d(`${family}x.other`, 'b', '2026-03-09T10:01:00.000Z'),
          d(family, 'c', '2026-03-09T10:02:00.000Z'),
          d(`${family}.approval`, 'd', '2026-03-09T10:03:00.000Z'),
        );
        expect((await s.log.list({ since, kind: family })).map((x) => x.subject)).toEqual(['a', 'c', 'd']);
        expect((await s.log.list({ since, kind: `${family}.registry` })).map((x) => x.subject)).toEqual(['a']);
      },
      timeout,
    );

    test(
      'outcomes select any of the given ones',
      async () => {
        const kind = fresh('k');
        await record(
          d(kind, 'held', '2026-03-09T10:00:00.000Z', { outcome: 'HOLD' }),
          d(kind, 'approved', '2026-03-09T10:01:00.000Z', { outcome: 'APPROVE' }),
          d(kind, 'rejected', '2026-03-09T10:02:00.000Z', { outcome: 'REJECT' }),
        );
        expect((await s.log.list({ since, kind, outcomes: ['HOLD', 'REJECT'] })).map((x) => x.subject)).toEqual([
          'held',
          'rejected',
        ]);
        expect(await s.log.list({ since, kind, outcomes: ['FROZEN'] })).toEqual([]);
      },
      timeout,
    );

    test(
      'since and until bound the window inclusively across day partitions, oldest first, up to limit',
      async () => {
        const kind = fresh('k');
        const times = [
          '2026-03-02T23:59:59.999Z',
          '2026-03-03T00:00:00.000Z',
          '2026-03-05T08:00:00.000Z',
          '2026-03-07T00:00:00.000Z',
          '2026-03-07T00:00:00.001Z',
        ];
        // Recorded newest first: the listing orders by time, not by arrival.
        await record(...[...times].reverse().map((at) => d(kind, `s-${at}`, at)));
        const at = async (query: { since?: string; until?: string; limit?: number }) =>
          (await s.log.list({ kind, ...query })).map((x) => x.at);
        expect(await at({ since: times[1], until: times[3] })).toEqual([times[1], times[2], times[3]]);
        expect(await at({ since, until: '2026-03-03T00:00:00.000Z' })).toEqual([times[0], times[1]]);
        expect(await at({ since: times[2], until: times[2] })).toEqual([times[2]]);
        expect(await at({ since, limit: 2 })).toEqual([times[0], times[1]]);
        // Default window: the seven days before now.
        s.setNow('2026-03-12T08:00:00.000Z');
        expect(await at({})).toEqual([times[2], times[3], times[4]]);
        s.setNow('2026-03-07T00:00:00.000Z');
        expect(await at({ since })).toEqual(times.slice(0, 4));
      },
      timeout,
    );

    test(
      'a subject prefix selects every subject it starts',
      async () => {
        const rule = fresh('r');
        await record(
          d('retraining.start', `${rule}/0`, '2026-03-09T10:00:00.000Z'),
          d('retraining.start', `${rule}/10`, '2026-03-09T10:01:00.000Z'),
          d('retraining.start', `${rule}x/1`, '2026-03-09T10:02:00.000Z'),
        );
        expect((await s.log.list({ since, subject: `${rule}/` })).map((x) => x.subject)).toEqual([
          `${rule}/0`,
          `${rule}/10`,
        ]);
        expect((await s.log.list({ since, subject: `${rule}/1` })).map((x) => x.subject)).toEqual([`${rule}/10`]);
      },
      timeout,
    );

    test(
      'a model package ARN finds every decision that touched the package, not its champion role or a longer ARN',
      async () => {
        const group = fresh('g');
        const [pkg, champion, longer] = [ARN(group, 5), ARN(group, 2), ARN(group, 50)];
        await record(
          d('gate.registry', pkg, '2026-03-09T10:00:00.000Z', {
            outcome: 'HOLD',
            inputs: { package: pkg, champion },
          }),
          d('gate.approval', `deploy/Approve/gate@exec-${group}`, '2026-03-09T10:01:00.000Z', {
            outcome: 'HOLD',
            inputs: { package: pkg, champion },
          }),
          d('gate.override', pkg, '2026-03-09T10:02:00.000Z', { outcome: 'APPROVE' }),
          d('rollback.package', `live/${group}`, '2026-03-09T10:03:00.000Z', {
            outcome: 'REJECTED',
            inputs: { modelPackageArn: pkg, badVersions: ['d-1'] },
            actions: [{ service: 'sagemaker', operation: 'UpdateModelPackage', target: pkg, status: 'taken' }],
          }),
          d('gate.registry', longer, '2026-03-09T10:04:00.000Z', { inputs: { package: longer, champion: pkg } }),
          d('gate.registry', champion, '2026-03-09T10:05:00.000Z', { inputs: { package: champion } }),
        );
        expect((await s.log.list({ since, subject: pkg })).map((x) => x.kind)).toEqual([
          'gate.registry',
          'gate.approval',
          'gate.override',
          'rollback.package',
        ]);
        // The group's prefix (ending in "/") is a prefix: every package of the group by subject.
        expect((await s.log.list({ since, subject: ARN(group, 0).replace(/0$/, '') })).map((x) => x.subject)).toEqual([
          pkg,
          pkg,
          longer,
          champion,
        ]);
        expect((await s.log.list({ since, subject: pkg, kind: 'gate', outcomes: ['HOLD'] })).length).toBe(2);
      },
      timeout,
    );

    test(
      'the package index holds when the inputs are too long to keep whole',
      async () => {
        const group = fresh('g');
        const pkg = ARN(group, 1);
        const inputs = { evidence: 'x'.repeat(6_000), package: pkg };
        await record(d('gate.registry', `deploy/Approve/gate@${group}`, '2026-03-09T10:00:00.000Z', { inputs }));
        const [found] = await s.log.list({ since, subject: pkg });
        expect(found?.subject).toBe(`deploy/Approve/gate@${group}`);
      },
      timeout,
    );

    test(
      'a time that does not parse, or an until before since, is a clear error',
      async () => {
        await expect(s.log.list({ since: 'yesterday' })).rejects.toThrow('--since: "yesterday" is not an ISO time');
        await expect(s.log.list({ since: '2026-03-05T00:00:00Z', until: '2026-03-04T00:00:00Z' })).rejects.toThrow(
          '--until (2026-03-04T00:00:00.000Z) is before --since (2026-03-05T00:00:00.000Z)',
        );
      },
      timeout,
    );
  });
}
