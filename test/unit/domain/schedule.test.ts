import {
  knownTimeZone,
  latestFire,
  parseSchedule,
  scheduleVerdict,
  type Schedule,
} from '../../../functions/domain/schedule';

const parse = (expression: string): Schedule => {
  const parsed = parseSchedule(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.schedule;
};
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseSchedule', () => {
  it.each([
    'cron(0 3 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 8 1 * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 LW * ? *)',
    'cron(0 0 15W * ? *)',
    'cron(0 0 ? * 6L *)',
    'cron(0 0 ? * L *)',
    'cron(30 1 1,15 JAN,JUL ? 2026-2027)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
  ])('accepts %s', (expression) => {
    expect(parseSchedule(expression)).toMatchObject({ ok: true, schedule: { expression } });
  });

  it.each([
    ['0 3 * * ? *', /must be cron\(\.\.\.\) or rate\(\.\.\.\)/],
    ['cron(0 3 * * ?)', /cron needs 6 fields .* got 5/],
    ['cron(0 3 * * * *)', /one of day-of-month and day-of-week must be \?/],
    ['cron(0 3 ? * ? *)', /one of day-of-month and day-of-week must be \?/],
    ['cron(60 3 * * ? *)', /minutes: "60" is not a value from 0 to 59/],
    ['cron(0 24 * * ? *)', /hours: "24" is not a value from 0 to 23/],
    ['cron(0 3 32 * ? *)', /day-of-month: "32"/],
    ['cron(0 3 * 13 ? *)', /month: "13" is not a value from 1 to 12 \(or JAN-DEC\)/],
    ['cron(0 3 ? * 0 *)', /day-of-week: "0" is not a value from 1 to 7 \(or SUN-SAT\)/],
    ['cron(0 3 * * ? 2200)', /year: "2200" is not a value from 1970 to 2199/],
    ['cron(0 3 ? * 3#1,6#3 *)', /# takes one weekday and its instance/],
    ['cron(0 3 ? * 3#6 *)', /instance after # must be 1 to 5/],
    ['cron(0 3 L-2 * ? *)', /L and W stand alone/],
    ['cron(0/0 3 * * ? *)', /increment .* must be a whole number ≥ 1/],
    ['cron(0 5-3 * * ? *)', /range "5-3" runs backwards/],
    ['rate(1 minutes)', /write rate\(1 minute\)/],
    ['rate(5 minute)', /write rate\(5 minutes\)/],
    ['rate(0 hours)', /value must be a whole number ≥ 1/],
    ['rate(2 weeks)', /minutes, hours or days/],
  ])('refuses %s with a message saying what to write', (expression, problem) => {
    const parsed = parseSchedule(expression);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});

describe('knownTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Mars/Olympus', false],
    ['CEST+2', false],
  ])('%s → %s', (zone, known) => expect(knownTimeZone(zone)).toBe(known));
});

describe('latestFire', () => {
  it.each([
    // [expression, zone, after, atOrBefore, expected]
    [
      'daily 03:00 UTC, passed',
      'cron(0 3 * * ? *)',
      'UTC',
      '2026-03-10T02:59:00Z',
      '2026-03-10T03:00:30Z',
      '2026-03-10T03:00:00.000Z',
    ],
    ['daily 03:00 UTC, not yet', 'cron(0 3 * * ? *)', 'UTC', '2026-03-10T03:00:00Z', '2026-03-10T23:59:00Z', undefined],
    [
      'missed fires collapse into the latest',
      'cron(0 * * * ? *)',
      'UTC',
      '2026-03-10T00:30:00Z',
      '2026-03-10T05:10:00Z',
      '2026-03-10T05:00:00.000Z',
    ],
    [
      'every 15 minutes',
      'cron(0/15 * * * ? *)',
      'UTC',
      '2026-03-10T10:14:00Z',
      '2026-03-10T10:16:00Z',
      '2026-03-10T10:15:00.000Z',
    ],
    [
      'weekdays only: Saturday is skipped',
      'cron(0 18 ? * MON-FRI *)',
      'UTC',
      '2026-03-06T18:00:00Z',
      '2026-03-08T20:00:00Z',
      undefined,
    ],
    [
      'weekdays only: Monday fires',
      'cron(0 18 ? * MON-FRI *)',
      'UTC',
      '2026-03-06T18:00:00Z',
      '2026-03-09T18:00:00Z',
      '2026-03-09T18:00:00.000Z',
    ],
    [
      '1 = Sunday as EventBridge counts',
      'cron(0 12 ? * 1 *)',
      'UTC',
      '2026-03-01T00:00:00Z',
      '2026-03-07T23:00:00Z',
      '2026-03-01T12:00:00.000Z',
    ],
    [
      'last day of February',
      'cron(0 0 L * ? *)',
      'UTC',
      '2026-02-01T00:00:00Z',
      '2026-03-05T00:00:00Z',
      '2026-02-28T00:00:00.000Z',
    ],
    [
      'last day of February in a leap year',
      'cron(0 0 L * ? *)',
      'UTC',
      '2028-02-01T00:00:00Z',
      '2028-03-05T00:00:00Z',
      '2028-02-29T00:00:00.000Z',
    ],
    [
      '15W on a Sunday moves to Monday 16th',
      'cron(0 9 15W * ? *)',
      'UTC',
      '2026-03-01T00:00:00Z',
      '2026-03-20T00:00:00Z',
      '2026-03-16T09:00:00.000Z',
    ],
    [
      '1W on a Saturday moves to Monday 3rd',
      'cron(0 9 1W * ? *)',
      'UTC',
      '2025-11-01T00:00:00Z',
      '2025-11-10T00:00:00Z',
      '2025-11-03T09:00:00.000Z',
    ],
    [
      'LW: last weekday (May 2026 ends on a Sunday)',
      'cron(0 9 LW * ? *)',
      'UTC',
      '2026-05-01T00:00:00Z',
      '2026-06-05T00:00:00Z',
      '2026-05-29T09:00:00.000Z',
    ],
    [
      '6L: last Friday',
      'cron(0 9 ? * 6L *)',
      'UTC',
      '2026-03-01T00:00:00Z',
      '2026-04-05T00:00:00Z',
      '2026-03-27T09:00:00.000Z',
    ],
    [
      '2#1: first Monday',
      'cron(0 9 ? * 2#1 *)',
      'UTC',
      '2026-03-01T00:00:00Z',
      '2026-03-31T00:00:00Z',
      '2026-03-02T09:00:00.000Z',
    ],
    [
      'year field limits fires',
      'cron(0 0 1 1 ? 2025)',
      'UTC',
      '2025-06-01T00:00:00Z',
      '2026-06-01T00:00:00Z',
      undefined,
    ],
    [
      'a named zone: 03:00 in Berlin winter is 02:00Z',
      'cron(0 3 * * ? *)',
      'Europe/Berlin',
      '2026-01-10T00:00:00Z',
      '2026-01-10T12:00:00Z',
      '2026-01-10T02:00:00.000Z',
    ],
    [
      'a named zone: 03:00 in Berlin summer is 01:00Z',
      'cron(0 3 * * ? *)',
      'Europe/Berlin',
      '2026-07-10T00:00:00Z',
      '2026-07-10T12:00:00Z',
      '2026-07-10T01:00:00.000Z',
    ],
    [
      'the local day differs from the UTC day',
      'cron(0 23 * * ? *)',
      'America/Los_Angeles',
      '2026-07-10T00:00:00Z',
      '2026-07-11T12:00:00Z',
      '2026-07-11T06:00:00.000Z',
    ],
    // Berlin springs forward 2026-03-29 02:00 → 03:00: 02:30 does not exist that day.
    [
      'DST spring forward: a skipped local time does not fire',
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2026-03-28T00:00:00Z',
      '2026-03-29T12:00:00Z',
      '2026-03-28T01:30:00.000Z',
    ],
    [
      'DST spring forward: the next day fires again',
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2026-03-29T00:00:00Z',
      '2026-03-30T12:00:00Z',
      '2026-03-30T00:30:00.000Z',
    ],
    // Berlin falls back 2026-10-25 03:00 → 02:00: 02:30 happens twice, fires at the first.
    [
      'DST fall back: a repeated local time fires at its first instance',
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2026-10-24T12:00:00Z',
      '2026-10-25T01:10:00Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'DST fall back: not again at the second instance',
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2026-10-25T00:30:00Z',
      '2026-10-25T12:00:00Z',
      undefined,
    ],
    [
      'New York falls back too',
      'cron(30 1 * * ? *)',
      'America/New_York',
      '2026-10-31T12:00:00Z',
      '2026-11-01T12:00:00Z',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      'rate: every 6 hours from the mark',
      'rate(6 hours)',
      'UTC',
      '2026-03-10T01:07:00Z',
      '2026-03-10T13:08:00Z',
      '2026-03-10T13:07:00.000Z',
    ],
    ['rate: not a whole period yet', 'rate(6 hours)', 'UTC', '2026-03-10T01:07:00Z', '2026-03-10T07:06:59Z', undefined],
    [
      'rate: days are 24 hours even across DST',
      'rate(1 day)',
      'Europe/Berlin',
      '2026-03-28T12:00:00Z',
      '2026-03-29T12:00:00Z',
      '2026-03-29T12:00:00.000Z',
    ],
  ])('%s', (_name, expression, zone, after, atOrBefore, expected) => {
    expect(iso(latestFire(parse(expression), zone, t(after), t(atOrBefore)))).toBe(expected);
  });

  it('finds a yearly fire time within its look-back', () => {
    const yearly = parse('cron(0 0 1 1 ? *)');
    expect(iso(latestFire(yearly, 'UTC', t('2025-06-01T00:00:00Z'), t('2026-11-30T00:00:00Z')))).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });
});

describe('scheduleVerdict', () => {
  const daily = parse('cron(0 3 * * ? *)');

  it('arms on the first evaluation: the current minute is the baseline, nothing before it fires', () => {
    expect(scheduleVerdict(daily, 'UTC', undefined, new Date('2026-03-10T15:42:31Z'))).toEqual({
      phase: 'arm',
      mark: '2026-03-10T15:42:00.000Z',
      reason: 'schedule cron(0 3 * * ? *) (UTC) first evaluated: fire times from now on count',
    });
  });

  it('waits until a fire time passes the mark', () => {
    expect(scheduleVerdict(daily, 'UTC', '2026-03-10T15:42:00.000Z', new Date('2026-03-11T02:59:59Z'))).toEqual({
      phase: 'wait',
      reason: 'no fire time of cron(0 3 * * ? *) (UTC) since 2026-03-10T15:42:00.000Z',
    });
  });

  it('fires once a fire time passed, and the mark moves to it', () => {
    const v = scheduleVerdict(daily, 'Europe/Berlin', '2026-03-10T15:42:00.000Z', new Date('2026-03-11T02:00:20Z'));
    expect(v).toEqual({
      phase: 'fire',
      fireAt: '2026-03-11T02:00:00.000Z',
      mark: '2026-03-11T02:00:00.000Z',
      reason: 'schedule cron(0 3 * * ? *) (Europe/Berlin) fired at 2026-03-11T02:00:00.000Z',
    });
    // Evaluated again from the new mark: the same fire time does not fire twice.
    expect(
      scheduleVerdict(daily, 'Europe/Berlin', v.phase === 'fire' ? v.mark : '', new Date('2026-03-11T02:05:00Z')).phase,
    ).toBe('wait');
  });
});
