/**
 * The overview: how many decisions of each kind and outcome were made over time, with the spans in
 * which writes were withheld (kill switch, observe mode) shaded behind them.
 */
import { missing, table, timeText } from './html';
import { atMs, chronological, type Decision } from './records';
import { chartSlot, type Section } from './section';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface TimeCount {
  /** Bin start and end (ISO). */
  from: string;
  to: string;
  kind: string;
  outcome: string;
  count: number;
}

export interface WithheldPeriod {
  /** `kill switch` or `observe`. */
  cause: 'kill switch' | 'observe';
  /** The first withheld action's `why` (who paused and why, or the policy path in observe mode). */
  why: string;
  from: string;
  to: string;
  decisions: number;
}

export interface Overview {
  total: number;
  /** Records whose `at` is not a time: counted in the totals, left off the timeline. */
  untimed: number;
  binMs: number;
  counts: { kind: string; outcome: string; count: number }[];
  timeline: TimeCount[];
  periods: WithheldPeriod[];
}

/** Hours for up to three days of records, days beyond: a few dozen bars either way. */
export const binFor = (spanMs: number): number => (spanMs <= 3 * DAY_MS ? HOUR_MS : DAY_MS);

const withheldCause = (why: string): WithheldPeriod['cause'] => (why.startsWith('observe') ? 'observe' : 'kill switch');

export function overview(records: readonly Decision[]): Overview {
  const sorted = chronological(records);
  const timed = sorted.filter((d) => atMs(d) !== undefined);
  const first = timed.length ? (atMs(timed[0]!) as number) : 0;
  const last = timed.length ? (atMs(timed[timed.length - 1]!) as number) : 0;
  const binMs = binFor(last - first);
  const binStart = (t: number) => Math.floor(t / binMs) * binMs;

  const counts = new Map<string, { kind: string; outcome: string; count: number }>();
  for (const d of sorted) {
    const key = `${d.kind}\u0000${d.outcome}`;
    const entry = counts.get(key) ?? { kind: d.kind, outcome: d.outcome, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }

  const bins = new Map<string, TimeCount>();
  for (const d of timed) {
    const start = binStart(atMs(d) as number);
    const key = `${start}\u0000${d.kind}\u0000${d.outcome}`;
    const entry = bins.get(key) ?? {
      from: new Date(start).toISOString(),
      to: new Date(start + binMs).toISOString(),
      kind: d.kind,
      outcome: d.outcome,
      count: 0,
    };
    entry.count++;
    bins.set(key, entry);
  }

  // A period runs while decisions keep having writes withheld for the same cause: a decision of the
  // same capability whose write was taken, or a gap of more than one bin, ends it.
  const periods: WithheldPeriod[] = [];
  const open = new Map<string, WithheldPeriod & { lastMs: number }>();
  for (const d of timed) {
    const t = atMs(d) as number;
    for (const action of d.actions ?? []) {
      if (action.status === 'taken') {
        for (const [cause, period] of open) if (cause === 'kill switch') close(cause, period);
        continue;
      }
      if (action.status !== 'withheld') continue;
      const why = action.why ?? 'withheld (no reason recorded)';
      const cause = withheldCause(why);
      const current = open.get(cause);
      if (current && t - current.lastMs <= binMs) {
        current.lastMs = t;
        current.to = new Date(binStart(t) + binMs).toISOString();
        current.decisions++;
      } else {
        if (current) close(cause, current);
        open.set(cause, {
          cause,
          why,
          from: new Date(binStart(t)).toISOString(),
          to: new Date(binStart(t) + binMs).toISOString(),
          decisions: 1,
          lastMs: t,
        });
      }
    }
  }
  function close(cause: string, period: WithheldPeriod & { lastMs: number }) {
    const { lastMs: _lastMs, ...kept } = period;
    periods.push(kept);
    open.delete(cause);
  }
  for (const [cause, period] of [...open]) close(cause, period);
  periods.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));

  return {
    total: sorted.length,
    untimed: sorted.length - timed.length,
    binMs,
    counts: [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || b.count - a.count),
    timeline: [...bins.values()],
    periods,
  };
}

export function overviewSection(records: readonly Decision[]): Section {
  const o = overview(records);
  if (o.total === 0)
    return { id: 'overview', title: 'Overview', html: missing('No decision records in this selection.'), charts: [] };
  const bin = o.binMs === HOUR_MS ? 'hour' : 'day';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 260,
    layer: [
      {
        data: { values: o.periods },
        mark: { type: 'rect', opacity: 0.22 },
        encoding: {
          x: { field: 'from', type: 'temporal' },
          x2: { field: 'to' },
          color: {
            field: 'cause',
            type: 'nominal',
            title: 'writes withheld',
            scale: { domain: ['kill switch', 'observe'], range: ['#d62728', '#ff9f1c'] },
          },
          tooltip: [
            { field: 'cause', title: 'withheld by' },
            { field: 'why' },
            { field: 'from', type: 'temporal', format: '%Y-%m-%d %H:%M' },
            { field: 'to', type: 'temporal', format: '%Y-%m-%d %H:%M' },
            { field: 'decisions' },
          ],
        },
      },
      {
        data: { values: o.timeline },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'from', type: 'temporal', title: `time (UTC, per ${bin})`, axis: { format: '%m-%d %H:%M' } },
          x2: { field: 'to' },
          y: { field: 'count', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'decisions' },
          color: { field: 'kind', type: 'nominal', title: 'kind', scale: { scheme: 'category20' } },
          detail: { field: 'outcome' },
          tooltip: [
            { field: 'kind' },
            { field: 'outcome' },
            { field: 'count', aggregate: 'sum', title: 'decisions' },
            { field: 'from', type: 'temporal', format: '%Y-%m-%d %H:%M', title: bin },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  const periodRows = o.periods.map((p) => [p.cause, timeText(p.from), timeText(p.to), p.decisions, p.why]);
  const html = [
    `<p>${o.total} decisions${o.untimed ? `, ${o.untimed} of them without a valid time (not on the chart)` : ''}.</p>`,
    chartSlot('chart-overview', `Decisions per ${bin} by kind and outcome; shaded: writes withheld`),
    o.periods.length
      ? `<h3>Writes withheld</h3><p class="note">Spans of decisions whose write calls were withheld, padded to the ${bin}; the switch's own pause and resume times are not in the records.</p>${table(
          ['cause', 'from', 'to', 'decisions', 'why'],
          periodRows,
          { id: 'withheld-periods' },
        )}`
      : '<p class="note">No write was withheld (no kill switch, no observe mode) in this selection.</p>',
    `<h3>By kind and outcome</h3>${table(
      ['kind', 'outcome', 'decisions'],
      o.counts.map((c) => [c.kind, c.outcome, c.count]),
      { id: 'counts' },
    )}`,
  ].join('\n');
  return { id: 'overview', title: 'Overview', html, charts: [{ id: 'chart-overview', spec }] };
}
