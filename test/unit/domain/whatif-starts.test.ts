import { redecideStarts } from '../../../functions/domain/whatif-starts';
import type { Decision } from '../../../functions/ports/decision-log';
import type { GuardState } from '../../../functions/ports/run-store';
import { testRule } from '../../support/policies';

const rule = (guards: Record<string, unknown>) => testRule({ guards });
const at = (hhmm: string) => `2026-11-22T${hhmm}:00.000Z`;

const start = (seq: number, time: string, guard: Partial<GuardState>, fields: Partial<Decision> = {}): Decision => ({
  kind: 'retraining.start',
  subject: `r/${seq}`,
  outcome: 'STARTED',
  reasons: ['guards clear (cooldown 600s, daily cap none, exclusive true)'],
  at: at(time),
  inputs: {
    executionId: `e-${seq}`,
    objects: 1,
    bytes: 1,
    token: `t-${seq}`,
    guard: { version: 1, startsToday: 0, nextSeq: seq, ...guard },
  },
  ...fields,
});
const defer = (seq: number, time: string, guard: Partial<GuardState>, reasons: string[]): Decision => ({
  ...start(seq, time, guard),
  kind: 'retraining.defer',
  outcome: 'DEFERRED',
  reasons,
});

/** Batch 0 at 08:00; batch 1 waited for it (exclusive) at 08:15 and started at 08:25 once it ended. */
const day: Decision[] = [
  start(0, '08:00', {}),
  defer(
    1,
    '08:15',
    {
      lastStartAt: at('08:00'),
      day: '2026-11-22',
      startsToday: 1,
      running: { seq: 0, since: at('08:00'), executionId: 'e-0' },
    },
    ['batch 0 is still running (execution e-0)'],
  ),
  start(1, '08:25', { lastStartAt: at('08:00'), day: '2026-11-22', startsToday: 1 }),
];

describe('redecideStarts', () => {
  it.each<[string, Record<string, unknown>, (string | undefined)[]]>([
    [
      'the recorded guards decide as recorded',
      { cooldownSeconds: 600, exclusive: true },
      ['STARTED', 'DEFERRED', 'STARTED'],
    ],
    [
      'a longer cooldown defers the 08:25 start (a flip)',
      { cooldownSeconds: 3600, exclusive: true },
      ['STARTED', 'DEFERRED', 'DEFERRED'],
    ],
    [
      'a daily cap of one defers the second start',
      { dailyCap: 1, exclusive: true },
      ['STARTED', 'DEFERRED', 'DEFERRED'],
    ],
    [
      'not exclusive: the 08:15 deferral starts (a flip), and 08:25 is undecided',
      { exclusive: false },
      ['STARTED', 'STARTED', undefined],
    ],
    [
      'a run limit of 10 minutes frees the rule by 08:15',
      { exclusive: true, maxRunSeconds: 600 },
      ['STARTED', 'STARTED', undefined],
    ],
  ])('%s', (_name, guards, outcomes) => {
    const r = redecideStarts(day, [rule(guards)]);
    expect(day.map((_, i) => r.get(i)?.after?.outcome)).toEqual(outcomes);
    expect(day.map((d, i) => r.get(i)?.flipped && r.get(i)?.after?.outcome !== d.outcome)).toEqual(
      outcomes.map((o, i) => o !== undefined && o !== day[i]!.outcome),
    );
  });

  it('names both reasons of a start the new guards defer', () => {
    const r = redecideStarts(day, [rule({ cooldownSeconds: 3600 })]).get(2)!;
    expect(r.before.reasons).toEqual(['guards clear (cooldown 600s, daily cap none, exclusive true)']);
    expect(r.after?.reasons).toEqual([
      'cooldown: last start 2026-11-22T08:00:00.000Z, next allowed 2026-11-22T09:00:00.000Z',
    ]);
  });

  it("leaves the rule's decisions after a flip undecided, saying which one flipped", () => {
    expect(redecideStarts(day, [rule({ exclusive: false })]).get(2)?.missing).toBe(
      "r/1 at 2026-11-22T08:15:00.000Z flips (DEFERRED → STARTED), so the runs this decision's guard counted differ, and their real durations are not recorded",
    );
  });

  it('a withheld start the new modes make: later starts decided with its run running and ended, undecided when they differ', () => {
    const withheld = [
      start(0, '08:00', {}),
      start(1, '08:20', { lastStartAt: at('08:00'), day: '2026-11-22', startsToday: 1 }),
    ];
    const runs = new Map([[0, { runs: true }]]);
    // Exclusive: still running at 08:20 would defer it, ended would not.
    expect(redecideStarts(withheld, [rule({ cooldownSeconds: 600 })], runs).get(1)?.missing).toMatch(
      /^whether the run of r\/0 \(withheld at 2026-11-22T08:00:00.000Z, made under the new policy\) was still running decides it/,
    );
    // Not exclusive, or a run limit already passed: the run's duration does not matter.
    expect(redecideStarts(withheld, [rule({ exclusive: false })], runs).get(1)?.after?.outcome).toBe('STARTED');
    expect(redecideStarts(withheld, [rule({ maxRunSeconds: 600 })], runs).get(1)?.after?.outcome).toBe('STARTED');
  });

  it('a start the new modes withhold frees the rule at once: the wait for its run goes', () => {
    const r = redecideStarts(day, [rule({ cooldownSeconds: 600 })], new Map([[0, { runs: false }]]));
    expect(r.get(1)?.after?.outcome).toBe('STARTED');
    expect(r.get(1)?.flipped).toBe(true);
  });

  it('keeps a CodeBuild slot deferral the guards let through, and decides a requested start with its own reason first', () => {
    const slot = {
      ...defer(0, '08:00', {}, ['every CodeBuild slot is taken']),
      inputs: { ...defer(0, '08:00', {}, []).inputs, slots: true },
    };
    const requested = {
      ...start(0, '09:00', { lastStartAt: at('08:55'), startsToday: 1, day: '2026-11-22' }),
      subject: 'r/alarm-drift',
      reasons: ['alarm drift in ALARM', 'guards clear (cooldown 0s, daily cap none, exclusive true)'],
    };
    const r = redecideStarts([slot, requested], [rule({ cooldownSeconds: 600 })]);
    expect([r.get(0)?.after?.outcome, r.get(0)?.flipped]).toEqual(['DEFERRED', false]);
    expect(r.get(1)?.after).toEqual({
      outcome: 'DEFERRED',
      reasons: [
        'alarm drift in ALARM',
        'cooldown: last start 2026-11-22T08:55:00.000Z, next allowed 2026-11-22T09:05:00.000Z',
      ],
    });
  });

  it('says what a start lacks: no guard recorded, or no such rule', () => {
    const old = { ...start(0, '08:00', {}), inputs: { executionId: 'e-0' } };
    expect(redecideStarts([old], [rule({})]).get(0)?.missing).toMatch(
      /^the record does not hold the guard it was decided on/,
    );
    expect(redecideStarts([start(0, '08:00', {})], []).get(0)?.after).toEqual({
      outcome: 'IGNORED',
      reasons: ['no retraining rule named r'],
    });
  });

  it('leaves the start of a batch the new policy re-forms undecided', () => {
    expect(redecideStarts(day, [rule({})], new Map(), new Set(['r/0'])).get(0)?.missing).toMatch(
      /^the new policy forms batch r\/0 otherwise/,
    );
  });
});
