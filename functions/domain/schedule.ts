/**
 * EventBridge schedule expressions (`cron(...)`, `rate(...)`) as the sweeper evaluates them: parsed
 * once, then asked "which fire time, if any, passed since the rule's last mark?". The syntax is
 * EventBridge's (docs: "Cron expressions reference"): six fields — minutes, hours, day-of-month,
 * month, day-of-week (1-7 = SUN-SAT), year — with `, - * /`, `?` in one of the two day fields,
 * `L` and `W` in day-of-month, `L` and `#` in day-of-week. Time zones follow EventBridge
 * Scheduler: a local time that daylight saving skips does not fire, one it repeats fires once
 * (the first), and a `rate` of days is 24-hour durations.
 *
 * No cron library on npm speaks this dialect (1-based weekdays, the year field, `?` rules), and
 * translating to a 5/6-field Unix cron would lose `W`, `L` and the year: a small parser, table-tested.
 */

export type Schedule =
  | { kind: 'rate'; expression: string; everyMs: number }
  | {
      kind: 'cron';
      expression: string;
      minutes: ReadonlySet<number>;
      hours: ReadonlySet<number>;
      day: DaySpec;
      months: ReadonlySet<number>;
      years: ReadonlySet<number>;
    };

/** Which days of a month match: exactly one of the two day fields constrains, the other is `?`. */
type DaySpec =
  | { by: 'any' }
  | { by: 'dom'; days: ReadonlySet<number> }
  | { by: 'lastDom' }
  | { by: 'nearestWeekday'; day: number }
  | { by: 'lastWeekdayOfMonth' }
  | { by: 'dow'; weekdays: ReadonlySet<number> }
  /** `6L`: the last Friday of the month. */
  | { by: 'lastDow'; weekday: number }
  /** `3#2`: the second Tuesday. */
  | { by: 'nthDow'; weekday: number; nth: number };

export type ParsedSchedule = { ok: true; schedule: Schedule } | { ok: false; problem: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };

class FieldError extends Error {}

interface FieldShape {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dom: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dow: { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  year: { name: 'year', min: 1970, max: 2199 },
} satisfies Record<string, FieldShape>;

function value(text: string, f: FieldShape): number {
  const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + f.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < f.min || n > f.max)
    throw new FieldError(
      `${f.name}: "${text}" is not a value from ${f.min} to ${f.max}${f.names ? ` (or ${f.names[0]}-${f.names.at(-1)})` : ''}`,
    );
  return n;
}

/** `, - * /` lists: `0/15`, `MON-FRI`, `1,15`, `*`. */
function list(text: string, f: FieldShape): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new FieldError(`${f.name}: empty item in "${text}"`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new FieldError(`${f.name}: "${part}" has more than one "/"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1))
      throw new FieldError(`${f.name}: the increment in "${part}" must be a whole number ≥ 1`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [f.min, f.max];
    else if (range!.includes('-')) {
      const [a, b, more] = range!.split('-');
      if (more !== undefined) throw new FieldError(`${f.name}: "${part}" is not a range like 1-5`);
      [from, to] = [value(a!, f), value(b!, f)];
      if (from > to) throw new FieldError(`${f.name}: range "${range}" runs backwards`);
    } else {
      from = value(range!, f);
      // `5/10` means 5, 15, 25, ... up to the field's maximum.
      to = stepText === undefined ? from : f.max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function domSpec(text: string): DaySpec {
  if (text === '*') return { by: 'any' };
  if (text === 'L') return { by: 'lastDom' };
  if (text === 'LW') return { by: 'lastWeekdayOfMonth' };
  const w = /^(\d+)W$/.exec(text);
  if (w) return { by: 'nearestWeekday', day: value(w[1]!, FIELDS.dom) };
  if (/[LW]/.test(text))
    throw new FieldError(`day-of-month: "${text}": L and W stand alone (L, LW, or a day with W like 15W)`);
  return { by: 'dom', days: list(text, FIELDS.dom) };
}

function dowSpec(text: string): DaySpec {
  if (text === '*') return { by: 'any' };
  // `L` alone is the last day of the week: Saturday (7).
  if (text === 'L') return { by: 'dow', weekdays: new Set([7]) };
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last) return { by: 'lastDow', weekday: value(last[1]!, FIELDS.dow) };
  if (text.includes('#')) {
    const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
    if (!nth)
      throw new FieldError(
        `day-of-week: "${text}": # takes one weekday and its instance, like 3#2 (a single expression)`,
      );
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new FieldError(`day-of-week: "${text}": the instance after # must be 1 to 5`);
    return { by: 'nthDow', weekday: value(nth[1]!, FIELDS.dow), nth: n };
  }
  if (text.includes('L')) throw new FieldError(`day-of-week: "${text}": L stands alone or after one weekday (6L)`);
  return { by: 'dow', weekdays: list(text, FIELDS.dow) };
}

function parseCron(body: string, expression: string): ParsedSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    return {
      ok: false,
      problem: `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}: write e.g. cron(0 3 * * ? *)`,
    };
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    return {
      ok: false,
      problem:
        'one of day-of-month and day-of-week must be ?, and only one: write e.g. cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *)',
    };
  try {
    const day = dom === '?' ? dowSpec(dow) : domSpec(dom);
    return {
      ok: true,
      schedule: {
        kind: 'cron',
        expression,
        minutes: list(min, FIELDS.minutes),
        hours: list(hour, FIELDS.hours),
        day,
        months: list(month, FIELDS.month),
        years: list(year, FIELDS.year),
      },
    };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, problem: error.message };
    throw error;
  }
}

/** Parses `cron(...)` or `rate(...)`; the problem says what to write instead. */
export function parseSchedule(expression: string): ParsedSchedule {
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron(cron[1]!, expression);
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) {
    const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(rate[1]!.trim());
    if (!m)
      return {
        ok: false,
        problem: `rate needs a whole number and a unit (minutes, hours or days): write e.g. rate(6 hours)`,
      };
    const n = Number(m[1]);
    const unit = m[2]!;
    if (n < 1) return { ok: false, problem: 'rate: the value must be a whole number ≥ 1' };
    const singular = unit.replace(/s$/, '');
    if ((n === 1) !== (unit === singular))
      return {
        ok: false,
        problem: `rate: EventBridge wants the unit singular for 1 and plural above: write rate(${n} ${n === 1 ? singular : `${singular}s`})`,
      };
    return { ok: true, schedule: { kind: 'rate', expression, everyMs: n * UNIT_MS[singular]! } };
  }
  return {
    ok: false,
    problem: 'must be cron(...) or rate(...) in EventBridge syntax, e.g. cron(0 3 * * ? *) or rate(1 day)',
  };
}

/** Whether `zone` is an IANA time zone name this runtime knows (`UTC`, `Europe/Berlin`). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Wall clock of a time zone (Intl: pure, part of the language, no I/O)

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallOf(t: number, zone: string): Wall {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

const wallMs = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);

/**
 * The instant a wall time names in `zone`: undefined when daylight saving skips it, the earlier of
 * two when it repeats. Offsets are read 12 hours either side, where any real zone has at most one
 * transition.
 */
function instantOf(w: Wall, zone: string): number | undefined {
  const guess = wallMs(w);
  const offset = (t: number) => wallMs(wallOf(t, zone)) - t;
  const found = [offset(guess - 12 * 3_600_000), offset(guess + 12 * 3_600_000)]
    .map((o) => guess - o)
    .filter((t) => wallMs(wallOf(t, zone)) === guess);
  return found.length === 0 ? undefined : Math.min(...found);
}

// ---------------------------------------------------------------------------------------------
// Matching days

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday … 7 = Saturday, as EventBridge counts. */
const weekdayOf = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysIn(year, month);
  const d = Math.min(day, last);
  const wd = weekdayOf(year, month, d);
  if (wd === 7) return d === 1 ? 3 : d - 1; // Saturday: Friday, or Monday when that leaves the month
  if (wd === 1) return d === last ? d - 2 : d + 1; // Sunday: Monday, or Friday when that leaves the month
  return d;
}

function dayMatches(spec: DaySpec, year: number, month: number, day: number): boolean {
  switch (spec.by) {
    case 'any':
      return true;
    case 'dom':
      return spec.days.has(day);
    case 'lastDom':
      return day === daysIn(year, month);
    case 'nearestWeekday':
      // A day past the month's end (31W in April) matches nothing, as in Quartz.
      return spec.day <= daysIn(year, month) && day === nearestWeekday(year, month, spec.day);
    case 'lastWeekdayOfMonth':
      return day === nearestWeekday(year, month, daysIn(year, month));
    case 'dow':
      return spec.weekdays.has(weekdayOf(year, month, day));
    case 'lastDow':
      return weekdayOf(year, month, day) === spec.weekday && day + 7 > daysIn(year, month);
    case 'nthDow':
      return weekdayOf(year, month, day) === spec.weekday && Math.ceil(day / 7) === spec.nth;
  }
}

/** Days searched back for the latest fire time: a mark older than this is treated as this old. */
export const MAX_LOOKBACK_DAYS = 400;

/** The latest fire time in (after, atOrBefore], or undefined. */
export function latestFire(schedule: Schedule, zone: string, after: number, atOrBefore: number): number | undefined {
  if (schedule.kind === 'rate') {
    const k = Math.floor((atOrBefore - after) / schedule.everyMs);
    return k >= 1 ? after + k * schedule.everyMs : undefined;
  }
  const floor = Math.max(after, atOrBefore - MAX_LOOKBACK_DAYS * 86_400_000);
  const hours = [...schedule.hours].sort((a, b) => b - a);
  const minutes = [...schedule.minutes].sort((a, b) => b - a);
  const today = wallOf(atOrBefore, zone);
  // Walk local calendar days back from today (UTC date arithmetic on the wall date: no DST there).
  for (let back = 0; back <= MAX_LOOKBACK_DAYS + 1; back++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    // The day's latest wall minute is past the floor's instant by at most a day: stop below it.
    if (Date.UTC(year, month - 1, day, 23, 59) < floor - 2 * 86_400_000) return undefined;
    if (!schedule.years.has(year) || !schedule.months.has(month) || !dayMatches(schedule.day, year, month, day))
      continue;
    for (const hour of hours)
      for (const minute of minutes) {
        const t = instantOf({ year, month, day, hour, minute }, zone);
        if (t === undefined || t > atOrBefore) continue;
        // Descending wall times give descending instants (a repeated hour fires at its first
        // instance, which is still ≤ the later wall times' instants).
        return t > floor ? t : undefined;
      }
  }
  return undefined;
}

export type ScheduleVerdict =
  /** No mark yet: this evaluation is the baseline; nothing fires for the time before it. */
  | { phase: 'arm'; mark: string; reason: string }
  /** `fireAt` passed since the mark: claim it by moving the mark there, then act once. */
  | { phase: 'fire'; fireAt: string; mark: string; reason: string }
  | { phase: 'wait'; reason: string };

/**
 * Did a fire time pass since the rule's mark (its last claimed fire time, or the time the schedule
 * was first evaluated)? Fire times the sweeper missed (it was failing) collapse into the latest.
 */
export function scheduleVerdict(
  schedule: Schedule,
  zone: string,
  mark: string | undefined,
  now: Date,
): ScheduleVerdict {
  // Fire times are whole minutes (EventBridge's precision): the baseline is the current minute.
  const minute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const where = schedule.kind === 'cron' ? ` (${zone})` : '';
  if (mark === undefined)
    return {
      phase: 'arm',
      mark: new Date(minute).toISOString(),
      reason: `schedule ${schedule.expression}${where} first evaluated: fire times from now on count`,
    };
  const fire = latestFire(schedule, zone, Date.parse(mark), now.getTime());
  if (fire === undefined)
    return { phase: 'wait', reason: `no fire time of ${schedule.expression}${where} since ${mark}` };
  const fireAt = new Date(fire).toISOString();
  return { phase: 'fire', fireAt, mark: fireAt, reason: `schedule ${schedule.expression}${where} fired at ${fireAt}` };
}
