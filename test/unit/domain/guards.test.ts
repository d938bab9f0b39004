import { evaluateStart, releaseRunning } from '../../../functions/domain/guards';
import { testRule } from '../../support/policies';
import type { GuardState } from '../../../functions/ports/run-store';

const rule = (guards: Record<string, unknown>) => testRule({ source: { bucket: 'b' }, guards });
const now = new Date('2026-11-22T10:00:00Z');
const guard = (g: Partial<GuardState> = {}): GuardState => ({ version: 1, startsToday: 0, nextSeq: 0, ...g });

describe('evaluateStart', () => {
  it('starts when every guard is clear and records the start in the next guard state', () => {
    const v = evaluateStart(rule({}), guard(), 0, now);
    expect(v).toMatchObject({
      verdict: 'start',
      next: { lastStartAt: now.toISOString(), day: '2026-11-22', startsToday: 1, nextSeq: 1, running: { seq: 0 } },
    });
  });

  it.each([
    [
      'cooldown',
      { cooldownSeconds: 600 },
      { lastStartAt: '2026-11-22T09:55:00Z' },
      /cooldown/,
      '2026-11-22T10:05:00.000Z',
    ],
    [
      'daily cap',
      { dailyCap: 2, exclusive: false },
      { day: '2026-11-22', startsToday: 2 },
      /daily cap: 2 of 2/,
      '2026-11-23T00:00:00.000Z',
    ],
    [
      'running execution',
      { exclusive: true },
      { running: { seq: 3, since: '2026-11-22T09:00:00Z', executionId: 'e-1' } },
      /batch 3 is still running \(execution e-1\)/,
      undefined,
    ],
    ['earlier batch first', {}, { nextSeq: 0 }, /batch 0 must start first/, undefined],
  ])('defers on %s, naming the reason', (_n, guards, state, reason, retryAt) => {
    const seq = _n === 'earlier batch first' ? 1 : 0;
    const v = evaluateStart(rule(guards), guard(state), seq, now);
    expect(v.verdict).toBe('defer');
    expect(v.reasons.join(' ')).toMatch(reason);
    if (v.verdict === 'defer') expect(v.retryAt).toBe(retryAt);
  });

  it('counts starts per UTC day: yesterday’s starts do not use today’s cap', () => {
    expect(
      evaluateStart(rule({ dailyCap: 1, exclusive: false }), guard({ day: '2026-11-21', startsToday: 5 }), 0, now)
        .verdict,
    ).toBe('start');
  });

  it('stops blocking on a running execution after maxRunSeconds (lost terminal event)', () => {
    const g = guard({ running: { seq: 0, since: '2026-11-22T07:00:00Z' } });
    expect(evaluateStart(rule({ maxRunSeconds: 3600 }), g, 0, now).verdict).toBe('start');
    expect(evaluateStart(rule({ maxRunSeconds: 4 * 3600 }), g, 0, now).verdict).toBe('defer');
  });

  it('lists every blocking reason at once', () => {
    const v = evaluateStart(
      rule({ cooldownSeconds: 600, dailyCap: 1 }),
      guard({
        lastStartAt: '2026-11-22T09:59:00Z',
        day: '2026-11-22',
        startsToday: 1,
        running: { seq: 0, since: '2026-11-22T09:59:00Z' },
      }),
      0,
      now,
    );
    expect(v.reasons).toHaveLength(3);
  });

  it('releaseRunning forgets only the running execution', () => {
    expect(releaseRunning(guard({ running: { seq: 1, since: 'x' }, nextSeq: 2 }))).toEqual({
      startsToday: 0,
      nextSeq: 2,
    });
  });
});
