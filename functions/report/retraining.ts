/**
 * Retraining per rule: each batch (objects, bytes, why it closed, the wait from its first object
 * to its start), its deferrals and quarantines with their reasons, and the starts per UTC day
 * against the rule's daily cap as the start records state it.
 */
import { bytesText, durationText, escapeHtml, missing, outcomeLabel, table, timeText } from './html';
import { chronological, dayOf, inputsTruncated, num, object, text, type Decision } from './records';
import { chartSlot, slug, type Chart, type Section } from './section';

export interface BatchRow {
  rule: string;
  /** The batch's sequence number, or the id of a start that was not a batch (an alarm's retraining request). */
  seq: string;
  /** CLOSED, EMPTY, QUARANTINED, DEFERRED (still waiting at the end of the records), STARTED, FAILED. */
  state: string;
  closedAt?: string;
  closeReason?: string;
  objects?: number;
  bytes?: number;
  /** The S3 event time of the batch's first object (`inputs.arrivals.firstAt`), when the batch record holds it. */
  firstObjectAt?: string;
  startedAt?: string;
  /** How the start's write went: taken, withheld (observe, kill switch), failed. */
  startWrite?: string;
  waitSeconds?: number;
  executionId?: string;
  ended?: string;
  deferrals: { at: string; reasons: string[] }[];
  quarantine?: string[];
  truncated: boolean;
}

export interface DayStarts {
  day: string;
  /** Starts whose write was taken. */
  started: number;
  /** Starts whose write was withheld: decided, never run. */
  withheld: number;
  /** The daily cap the day's start records name (`daily cap 4`); null when they say `none`, undefined when they do not say. */
  cap?: number | null;
}

export interface RuleRetraining {
  rule: string;
  batches: BatchRow[];
  days: DayStarts[];
}

export interface Retraining {
  rules: RuleRetraining[];
  ignored: Decision[];
}

const BATCH_KINDS = new Set([
  'retraining.batch',
  'retraining.quarantine',
  'retraining.defer',
  'retraining.start',
  'retraining.release',
]);

/** `rule/seq`: rule names have no slash (policy schema), a start without a batch has an id for seq. */
const splitSubject = (subject: string): { rule: string; seq: string } => {
  const at = subject.indexOf('/');
  return at < 0 ? { rule: subject, seq: '' } : { rule: subject.slice(0, at), seq: subject.slice(at + 1) };
};

/** The cap as the domain words it in a start's reasons (`guards clear (cooldown 600s, daily cap 4, ...)`). */
export function dailyCapIn(reasons: readonly string[]): number | null | undefined {
  for (const reason of reasons) {
    const m = /daily cap (\d+|none)\b/.exec(reason);
    if (m) return m[1] === 'none' ? null : Number(m[1]);
  }
  return undefined;
}

export function retraining(records: readonly Decision[]): Retraining {
  const byRule = new Map<string, { bySeq: Map<string, BatchRow>; rows: BatchRow[] }>();
  const ignored: Decision[] = [];
  const days = new Map<string, Map<string, DayStarts>>();
  for (const d of chronological(records)) {
    if (d.kind === 'retraining.ignore') ignored.push(d);
    if (!BATCH_KINDS.has(d.kind)) continue;
    const { rule, seq } = splitSubject(d.subject);
    const batches = byRule.get(rule) ?? { bySeq: new Map<string, BatchRow>(), rows: [] };
    byRule.set(rule, batches);
    let row = batches.bySeq.get(seq);
    // A batch closing under a number already closed is another run's (local runs of several
    // scenarios each count from 0): a row of its own.
    if (row?.closedAt !== undefined && (d.kind === 'retraining.batch' || d.kind === 'retraining.quarantine'))
      row = undefined;
    if (!row) {
      row = { rule, seq, state: 'CLOSED', deferrals: [], truncated: false };
      batches.bySeq.set(seq, row);
      batches.rows.push(row);
    }
    const inputs = d.inputs ?? {};
    row.truncated ||= inputsTruncated(d);
    const objectsFrom = () => {
      row.objects ??= num(inputs.objects);
      row.bytes ??= num(inputs.bytes);
      // The batch's arrivals (workflows/retraining/ingest.ts, for whatif) start at its first object.
      row.firstObjectAt ??= text(object(inputs.arrivals)?.firstAt);
    };
    switch (d.kind) {
      case 'retraining.batch':
        row.state = d.outcome;
        // whatif's re-formed batch still pending at the end of the records has not closed.
        if (d.outcome !== 'OPEN') row.closedAt = d.at;
        row.closeReason = d.reasons[0];
        objectsFrom();
        break;
      case 'retraining.quarantine':
        row.state = 'QUARANTINED';
        row.closedAt = d.at;
        row.closeReason = text(inputs.closeReason);
        row.quarantine = d.reasons;
        objectsFrom();
        break;
      case 'retraining.defer':
        row.state = 'DEFERRED';
        row.deferrals.push({ at: d.at, reasons: d.reasons });
        break;
      case 'retraining.start': {
        const write = (d.actions ?? []).find((a) => a.operation === 'StartPipelineExecution');
        row.state = d.outcome;
        row.startedAt = d.at;
        row.startWrite = write?.status;
        row.executionId = text(inputs.executionId);
        objectsFrom();
        if (d.outcome === 'STARTED') {
          const perDay = days.get(rule) ?? new Map<string, DayStarts>();
          days.set(rule, perDay);
          const day = perDay.get(dayOf(d.at)) ?? { day: dayOf(d.at), started: 0, withheld: 0 };
          perDay.set(day.day, day);
          if (write?.status === 'withheld') day.withheld++;
          else day.started++;
          const cap = dailyCapIn(d.reasons);
          if (cap !== undefined) day.cap = cap;
        }
        break;
      }
      case 'retraining.release':
        row.ended = d.outcome;
        break;
    }
  }
  const rules = [...byRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, batches]) => {
      const rows = batches.rows;
      for (const r of rows) {
        const first = r.firstObjectAt ? Date.parse(r.firstObjectAt) : Number.NaN;
        const start = r.startedAt ? Date.parse(r.startedAt) : Number.NaN;
        if (!Number.isNaN(first) && !Number.isNaN(start)) r.waitSeconds = (start - first) / 1000;
      }
      return { rule, batches: rows, days: [...(days.get(rule)?.values() ?? [])] };
    });
  return { rules, ignored };
}

const batchChart = (r: RuleRetraining): Chart => ({
  id: `chart-retraining-${slug(r.rule)}`,
  spec: {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 180,
    data: {
      values: r.batches
        .filter((b) => b.objects !== undefined)
        .map((b, _, all) => ({
          // A number two runs used is told apart by its close time.
          batch:
            all.filter((o) => o.seq === b.seq).length > 1 && b.closedAt ? `${b.seq} · ${timeText(b.closedAt)}` : b.seq,
          objects: b.objects,
          bytes: b.bytes,
          state: b.state,
          closed: b.closeReason ?? 'not recorded',
          wait: b.waitSeconds === undefined ? 'not recorded' : durationText(b.waitSeconds),
        })),
    },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'batch', type: 'ordinal', sort: null, title: `${r.rule}: batch` },
      y: { field: 'objects', type: 'quantitative', title: 'objects' },
      color: {
        field: 'state',
        type: 'nominal',
        scale: {
          domain: ['STARTED', 'CLOSED', 'DEFERRED', 'QUARANTINED', 'EMPTY', 'FAILED', 'OPEN'],
          range: ['#2a9d4b', '#7aa6d6', '#f0a830', '#d62728', '#9aa3ad', '#7b1fa2', '#c7ccd1'],
        },
      },
      tooltip: [
        { field: 'batch' },
        { field: 'state' },
        { field: 'objects' },
        { field: 'bytes' },
        { field: 'closed', title: 'closed because' },
        { field: 'wait', title: 'first object → start' },
      ],
    },
  },
});

const startsChart = (r: RuleRetraining): Chart => {
  const caps = r.days.filter((d) => typeof d.cap === 'number').map((d) => ({ day: d.day, cap: d.cap }));
  return {
    id: `chart-starts-${slug(r.rule)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 'container',
      height: 140,
      layer: [
        {
          data: {
            values: r.days.flatMap((d) => [
              { day: d.day, write: 'taken', starts: d.started },
              { day: d.day, write: 'withheld', starts: d.withheld },
            ]),
          },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'day', type: 'ordinal', title: `${r.rule}: starts per UTC day` },
            y: { field: 'starts', type: 'quantitative', stack: 'zero', title: 'starts' },
            color: {
              field: 'write',
              type: 'nominal',
              scale: { domain: ['taken', 'withheld'], range: ['#2a9d4b', '#f0a830'] },
            },
            tooltip: [{ field: 'day' }, { field: 'write' }, { field: 'starts' }],
          },
        },
        // Layers only with data: an empty one makes Vega warn of an infinite extent.
        ...(caps.length
          ? [
              {
                data: { values: caps },
                mark: { type: 'tick', color: '#d62728', thickness: 2 },
                encoding: {
                  x: { field: 'day', type: 'ordinal' },
                  y: { field: 'cap', type: 'quantitative' },
                  tooltip: [{ field: 'day' }, { field: 'cap', title: 'daily cap' }],
                },
              },
            ]
          : []),
      ],
    },
  };
};

function ruleHtml(r: RuleRetraining): string {
  const rows = r.batches.map((b) => [
    b.seq,
    { html: outcomeLabel(b.state) },
    b.objects === undefined ? { html: '<em>not recorded</em>' } : { html: String(b.objects), className: 'num' },
    b.bytes === undefined
      ? { html: '<em>not recorded</em>' }
      : { html: escapeHtml(bytesText(b.bytes)), title: `${b.bytes} bytes`, className: 'num' },
    b.closedAt ? timeText(b.closedAt) : '',
    b.closeReason ?? (b.closedAt ? 'not recorded' : ''),
    b.startedAt
      ? `${timeText(b.startedAt)}${b.startWrite && b.startWrite !== 'taken' ? ` (${b.startWrite})` : ''}`
      : '',
    b.waitSeconds !== undefined
      ? { html: escapeHtml(durationText(b.waitSeconds)), className: 'num' }
      : {
          html: !b.startedAt
            ? ''
            : b.closedAt
              ? '<em>first object time not recorded</em>'
              : '<em>no batch record: a start an alarm asked for, or a batch closed before the selection</em>',
        },
    b.ended ?? '',
    {
      html: escapeHtml(
        [
          ...b.deferrals.map((d) => `deferred ${timeText(d.at)}: ${d.reasons.join('; ')}`),
          ...(b.quarantine ? [`quarantined: ${b.quarantine.join('; ')}`] : []),
        ].join('\n'),
      ),
      className: 'reasons',
    },
  ]);
  const capNote = r.days.some((d) => d.cap === undefined)
    ? missing('Some start records do not state the daily cap: those days show no cap.')
    : '';
  const noWait = r.batches.filter((b) => b.startedAt && b.closedAt && b.waitSeconds === undefined).length;
  return [
    `<h3 id="rule-${slug(r.rule)}">Rule ${escapeHtml(r.rule)}</h3>`,
    chartSlot(
      `chart-retraining-${slug(r.rule)}`,
      `Batches of ${r.rule}: objects per batch, coloured by where each ended`,
    ),
    noWait
      ? missing(
          `${noWait} started batch(es) without a recorded first-object time: the wait from first object to start is not shown for them.`,
        )
      : '',
    table(
      [
        'batch',
        'state',
        'objects',
        'bytes',
        'closed at',
        'closed because',
        'started at',
        'first object → start',
        'run ended',
        'deferrals and quarantine',
      ],
      rows,
      { className: 'batches', id: `batches-${slug(r.rule)}` },
    ),
    r.days.length
      ? chartSlot(`chart-starts-${slug(r.rule)}`, `Starts of ${r.rule} per UTC day; red tick: the daily cap`) + capNote
      : '<p class="note">No start in this selection.</p>',
  ].join('\n');
}

export function retrainingSection(records: readonly Decision[]): Section {
  const model = retraining(records);
  if (model.rules.length === 0 && model.ignored.length === 0)
    return {
      id: 'retraining',
      title: 'Retraining',
      html: missing('No retraining decisions in this selection.'),
      charts: [],
    };
  const charts = model.rules.flatMap((r) => [batchChart(r), ...(r.days.length ? [startsChart(r)] : [])]);
  const ignored = model.ignored.length
    ? `<h3>Ignored deliveries</h3>${table(
        ['at (UTC)', 'subject', 'why'],
        model.ignored.map((d) => [timeText(d.at), d.subject, d.reasons.join('; ')]),
        { id: 'ignored' },
      )}`
    : '';
  return {
    id: 'retraining',
    title: 'Retraining',
    html: model.rules.map(ruleHtml).join('\n') + ignored,
    charts,
  };
}
