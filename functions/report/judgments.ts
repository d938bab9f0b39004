/**
 * Canary judgments per target (a CodeDeploy deployment group or a SageMaker endpoint): each
 * judgment's verdict over time, its score against the pass and marginal thresholds, and per metric
 * the numbers the record holds (point counts, U, p-value against alpha, the effect against the
 * allowed change), with what the verdict made the controller do: the sentence the record ends
 * with, and the rollback records the judgment started (a tick's FAIL) or the hook answer it gave.
 */
import { fmt, fmtP, signed, tested } from '../domain/canary';
import { outcomeOf } from '../domain/judgment';
import { escapeHtml, missing, outcomeLabel, table, timeText } from './html';
import { chronological, inputsTruncated, list, num, object, text, type Decision } from './records';
import { chartSlot, slug, type Chart, type Section } from './section';

export interface JudgedMetric {
  name: string;
  verdict?: string;
  critical?: boolean;
  weight?: number;
  nCanary?: number;
  nBaseline?: number;
  dropped?: number;
  alternative?: string;
  u?: number;
  pValue?: number;
  alpha?: number;
  canaryMedian?: number;
  baselineMedian?: number;
  shift?: number;
  /** Percent of the baseline median; `Infinity`/`-Infinity` from a zero baseline median. */
  change?: number | 'Infinity' | '-Infinity';
  allowedChange?: number;
}

export interface FollowUp {
  kind: string;
  subject: string;
  outcome: string;
  actions: string[];
}

export interface JudgmentRow {
  at: string;
  subject: string;
  analysis: string;
  pair: string;
  /** PASS, MARGINAL, FAIL, NODATA; from the record's verdict, or its outcome (HOLD is MARGINAL). */
  verdict: string;
  outcome: string;
  score?: number;
  pass?: number;
  marginal?: number;
  /** Where the thresholds came from: the inputs, or (older records) what the reason states. */
  thresholdsFrom?: 'inputs' | 'reason';
  windowStart?: string;
  windowEnd?: string;
  via?: string;
  binding?: string;
  action?: string;
  metrics: JudgedMetric[];
  reasons: string[];
  truncated: boolean;
  /** The rollback steps this judgment started, or the hook answer it was part of. */
  followUps: FollowUp[];
}

export interface TargetJudgments {
  /** `codedeploy churn-app/churn-live`, `endpoint churn`, or `analysis <name>` when the target is not recorded. */
  target: string;
  analyses: string[];
  bindings: string[];
  rows: JudgmentRow[];
}

/** A fixed width: Vega-Lite sizes a concatenated view to its container only at the top level. */
const WIDTH = 900;
const VERDICTS = ['PASS', 'MARGINAL', 'FAIL', 'NODATA'];
const COLOURS = ['#2a9d4b', '#f0a830', '#d62728', '#9aa3ad'];
/** The domain's outcome words (`outcomeOf`) back to the verdict: HOLD is MARGINAL. */
const VERDICT_OF_OUTCOME: Record<string, string> = Object.fromEntries(
  Object.entries(outcomeOf).map(([verdict, outcome]) => [outcome, verdict]),
);

function targetLabel(inputs: Record<string, unknown>, analysis: string): string {
  const target = object(inputs.target);
  const cd = object(target?.codedeploy);
  const ep = object(target?.endpoint);
  if (cd && text(cd.application) && text(cd.deploymentGroup))
    return `codedeploy ${text(cd.application)}/${text(cd.deploymentGroup)}`;
  if (ep && text(ep.name))
    return `endpoint ${text(ep.name)}${text(ep.canaryVariant) ? ` (canary ${text(ep.canaryVariant)}, baseline ${text(ep.baselineVariant) ?? '?'})` : ''}`;
  return `analysis ${analysis}`;
}

const metricOf = (value: unknown): JudgedMetric[] => {
  const m = object(value);
  const name = text(m?.name);
  if (!m || !name) return [];
  const out: JudgedMetric = { name };
  for (const k of [
    'weight',
    'nCanary',
    'nBaseline',
    'dropped',
    'u',
    'pValue',
    'alpha',
    'canaryMedian',
    'baselineMedian',
    'shift',
    'allowedChange',
  ] as const) {
    const v = num(m[k]);
    if (v !== undefined) out[k] = v;
  }
  const change = m.change === 'Infinity' || m.change === '-Infinity' ? m.change : num(m.change);
  if (change !== undefined) out.change = change;
  if (text(m.verdict)) out.verdict = text(m.verdict)!;
  if (text(m.alternative)) out.alternative = text(m.alternative)!;
  if (typeof m.critical === 'boolean') out.critical = m.critical;
  return [out];
};

/** The thresholds a reason states (`score 50 < pass 95, ≥ marginal 75`): older records hold no others. */
function thresholdsInReason(reason: string | undefined): { pass?: number; marginal?: number } {
  const pass = /\bpass (\d+(?:\.\d+)?)/.exec(reason ?? '');
  const marginal = /\bmarginal (\d+(?:\.\d+)?)/.exec(reason ?? '');
  return {
    ...(pass ? { pass: Number(pass[1]) } : {}),
    ...(marginal ? { marginal: Number(marginal[1]) } : {}),
  };
}

/** A rollback record a judgment led to: a tick's FAIL names it as its trigger; a hook answer its execution. */
function followsFrom(d: Decision, row: Pick<JudgmentRow, 'analysis' | 'windowEnd'>, hookExecutionId?: string): boolean {
  if (!d.kind.startsWith('rollback.')) return false;
  const trigger = object(d.inputs?.trigger);
  if (
    trigger &&
    text(trigger.via) === 'judgment' &&
    text(trigger.alarm) === row.analysis &&
    row.windowEnd !== undefined &&
    text(trigger.since) === row.windowEnd
  )
    return true;
  return hookExecutionId !== undefined && text(d.inputs?.hookExecutionId) === hookExecutionId;
}

const followUp = (d: Decision): FollowUp => ({
  kind: d.kind,
  subject: d.subject,
  outcome: d.outcome,
  actions: (d.actions ?? []).map(
    (a) => `${a.status === 'taken' ? '' : `${a.status}: `}${a.service} ${a.operation} ${a.target}`,
  ),
});

export function judgments(records: readonly Decision[]): TargetJudgments[] {
  const sorted = chronological(records);
  const rollbacks = sorted.filter((d) => d.kind.startsWith('rollback.'));
  const targets = new Map<string, TargetJudgments>();
  for (const d of sorted) {
    if (d.kind !== 'analysis.judgment') continue;
    const inputs = d.inputs ?? {};
    const [subjectAnalysis = d.subject, ...rest] = d.subject.split('/');
    const analysis = text(inputs.analysis) ?? subjectAnalysis;
    const pair = text(inputs.pair) ?? (rest.join('/') || '?');
    const window = object(inputs.window);
    const recorded = object(inputs.thresholds);
    const fromInputs = { pass: num(recorded?.pass), marginal: num(recorded?.marginal) };
    const stated = thresholdsInReason(d.reasons[0]);
    const pass = fromInputs.pass ?? stated.pass;
    const marginal = fromInputs.marginal ?? stated.marginal;
    const row: JudgmentRow = {
      at: d.at,
      subject: d.subject,
      analysis,
      pair,
      verdict: text(inputs.verdict) ?? VERDICT_OF_OUTCOME[d.outcome] ?? d.outcome,
      outcome: d.outcome,
      metrics: list(inputs.metrics).flatMap(metricOf),
      reasons: d.reasons,
      truncated: inputsTruncated(d),
      followUps: [],
    };
    const put = <K extends keyof JudgmentRow>(k: K, v: JudgmentRow[K] | undefined) => {
      if (v !== undefined) row[k] = v;
    };
    put('score', num(inputs.score));
    put('pass', pass);
    put('marginal', marginal);
    if (pass !== undefined || marginal !== undefined)
      row.thresholdsFrom = fromInputs.pass !== undefined || fromInputs.marginal !== undefined ? 'inputs' : 'reason';
    put('windowStart', text(window?.start));
    put('windowEnd', text(window?.end));
    put('via', text(inputs.via));
    put('binding', text(inputs.binding));
    put('action', text(inputs.action));
    const hook = text(inputs.hookExecutionId);
    row.followUps = rollbacks.filter((r) => followsFrom(r, row, hook)).map(followUp);
    const key = targetLabel(inputs, analysis);
    const target = targets.get(key) ?? { target: key, analyses: [], bindings: [], rows: [] };
    if (!target.analyses.includes(analysis)) target.analyses.push(analysis);
    if (row.binding && !target.bindings.includes(row.binding)) target.bindings.push(row.binding);
    target.rows.push(row);
    targets.set(key, target);
  }
  return [...targets.values()].sort((a, b) => a.target.localeCompare(b.target));
}

/** Numbers as the judgment's reasons write them (functions/domain/canary.ts); the exact number is on hover. */
const changeText = (c: JudgedMetric['change']): string =>
  c === undefined ? 'not recorded' : typeof c === 'string' ? (c === 'Infinity' ? '+∞%' : '-∞%') : `${signed(c)}%`;
const TESTED: Readonly<Record<string, string>> = tested;

function metricHtml(m: JudgedMetric): string {
  const head = `<strong>${escapeHtml(m.name)}</strong> ${outcomeLabel(m.verdict ?? 'not recorded')}${m.critical ? ' critical' : ''}${
    m.weight !== undefined && m.weight !== 1 ? ` weight ${fmt(m.weight)}` : ''
  }`;
  const counts =
    m.nCanary !== undefined || m.nBaseline !== undefined
      ? `points: canary ${m.nCanary ?? '?'}, baseline ${m.nBaseline ?? '?'}${m.dropped ? ` (${m.dropped} non-finite dropped)` : ''}`
      : 'points not recorded';
  if (m.u === undefined && m.pValue === undefined)
    return `${head} · ${escapeHtml(counts)} · <em>not tested (too few points)</em>`;
  const title = (label: string, n: number | undefined, shown: string) =>
    n === undefined ? `${label} not recorded` : `<span title="${n}">${escapeHtml(shown)}</span>`;
  const p =
    m.pValue === undefined
      ? 'p not recorded'
      : `<span title="${m.pValue}">p=${escapeHtml(fmtP(m.pValue))}</span>${
          m.alpha !== undefined ? ` ${m.pValue < m.alpha ? '&lt;' : '≥'} α ${fmt(m.alpha)}` : ''
        }${m.alternative ? ` (${escapeHtml(TESTED[m.alternative] ?? m.alternative)})` : ''}`;
  const effect = `effect ${m.shift === undefined ? 'not recorded' : title('shift', m.shift, signed(m.shift))} (${escapeHtml(
    changeText(m.change),
  )}) vs allowed ${m.allowedChange === undefined ? 'not recorded' : `${fmt(m.allowedChange)}%`}`;
  const medians =
    m.canaryMedian !== undefined && m.baselineMedian !== undefined
      ? ` · medians ${title('canary median', m.canaryMedian, fmt(m.canaryMedian))} vs ${title('baseline median', m.baselineMedian, fmt(m.baselineMedian))}`
      : '';
  return `${head} · ${escapeHtml(counts)} · ${m.u === undefined ? 'U not recorded' : `U=${title('U', m.u, fmt(m.u))}`} · ${p} · ${effect}${medians}`;
}

const scoreText = (r: JudgmentRow): string => {
  const score = r.score === undefined ? 'not recorded' : fmt(r.score);
  const thresholds =
    r.pass === undefined && r.marginal === undefined
      ? 'thresholds not recorded'
      : `pass ${r.pass ?? 'not stated'}, marginal ${r.marginal ?? 'not stated'}${r.thresholdsFrom === 'reason' ? ', as the reason states' : ''}`;
  return `${score} (${thresholds})`;
};

function actionHtml(r: JudgmentRow): string {
  const said = r.action ? escapeHtml(r.action) : '<em>not recorded in the inputs (see the reasons)</em>';
  const steps = r.followUps.map(
    (f) =>
      `${escapeHtml(f.kind.slice('rollback.'.length))} ${escapeHtml(f.subject)}: ${outcomeLabel(f.outcome)}${
        f.actions.length ? ` (${escapeHtml(f.actions.join('; '))})` : ''
      }`,
  );
  return [said, ...steps].join('<br>');
}

/**
 * Each value a threshold (or allowed change) took in the records, as a dashed rule across the
 * chart: one line while the policy kept it, one more for each value it changed to.
 */
const level = (values: readonly (number | null)[], what: string, color: string) => {
  const distinct = [...new Set(values.filter((v): v is number => v !== null))];
  return distinct.length
    ? [
        {
          data: { values: distinct.map((value) => ({ value, what })) },
          mark: { type: 'rule', color, strokeWidth: 1.5, strokeDash: [5, 3], ariaRoleDescription: what },
          encoding: {
            y: { field: 'value', type: 'quantitative' },
            tooltip: [{ field: 'what' }, { field: 'value' }],
          },
        },
      ]
    : [];
};

/** Each judgment as a chart datum: times and numbers as recorded, a finite change only. */
const datum = (r: JudgmentRow) => ({
  pair: r.pair,
  at: r.windowEnd ?? r.at,
  verdict: r.verdict,
  score: r.score ?? null,
  pass: r.pass ?? null,
  marginal: r.marginal ?? null,
  window: r.windowStart && r.windowEnd ? `${timeText(r.windowStart)} → ${timeText(r.windowEnd)}` : 'not recorded',
  reason: r.reasons[0] ?? '',
  action: r.action ?? '',
});

function targetChart(t: TargetJudgments): Chart {
  const rows = t.rows.map(datum);
  const scored = rows.filter((r) => r.verdict !== 'NODATA' && r.score !== null);
  const x = {
    field: 'at',
    type: 'temporal',
    title: 'end of the judged window (UTC)',
    axis: { format: '%m-%d %H:%M' },
    // Room at both ends: a judgment at the first or last time would sit on the frame.
    scale: { padding: 16 },
  };
  const tooltip = [
    { field: 'pair' },
    { field: 'verdict' },
    { field: 'score' },
    { field: 'pass', title: 'pass threshold' },
    { field: 'marginal', title: 'marginal threshold' },
    { field: 'window' },
    { field: 'reason' },
    { field: 'action' },
  ];
  const verdictScale = { domain: VERDICTS, range: COLOURS };
  const shapes = { domain: VERDICTS, range: ['circle', 'square', 'cross', 'circle'] };
  const threshold = (field: 'pass' | 'marginal', color: string) =>
    level(
      rows.map((r) => r[field]),
      `${field} threshold`,
      color,
    );
  const strip = {
    width: WIDTH,
    height: 30 + 26 * new Set(rows.map((r) => r.pair)).size,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 110, ariaRoleDescription: 'judgment' },
    encoding: {
      x,
      y: { field: 'pair', type: 'nominal', title: 'pair' },
      color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: verdictScale },
      shape: { field: 'verdict', type: 'nominal', scale: shapes },
      tooltip,
    },
  };
  const score = {
    width: WIDTH,
    height: 130,
    layer: [
      ...threshold('pass', '#2a9d4b'),
      ...threshold('marginal', '#f0a830'),
      ...(scored.length
        ? [
            {
              data: { values: scored },
              mark: { type: 'line', color: '#9aa3ad', strokeWidth: 1 },
              encoding: { x, y: { field: 'score', type: 'quantitative' }, detail: { field: 'pair' } },
            },
            {
              data: { values: scored },
              mark: { type: 'point', filled: true, size: 90, ariaRoleDescription: 'judgment score' },
              encoding: {
                x,
                y: { field: 'score', type: 'quantitative', title: 'score', scale: { domain: [0, 100] } },
                color: { field: 'verdict', type: 'nominal', scale: verdictScale, legend: null },
                shape: { field: 'verdict', type: 'nominal', scale: shapes, legend: null },
                tooltip,
              },
            },
          ]
        : []),
    ],
  };
  const effects = [...new Set(t.rows.flatMap((r) => r.metrics.map((m) => m.name)))].flatMap((metric) => {
    const values = t.rows.flatMap((r) =>
      r.metrics
        .filter((m) => m.name === metric && typeof m.change === 'number')
        .map((m) => ({
          pair: r.pair,
          at: r.windowEnd ?? r.at,
          metric,
          verdict: m.verdict ?? 'not recorded',
          change: m.change as number,
          // The allowed change lies on the side the test looks at: above for `greater`, below for `less`.
          allowed: m.allowedChange === undefined ? null : m.alternative === 'less' ? -m.allowedChange : m.allowedChange,
          allowedBelow: m.alternative === 'two-sided' && m.allowedChange !== undefined ? -m.allowedChange : null,
          pValue: m.pValue ?? null,
          u: m.u ?? null,
          counts: `canary ${m.nCanary ?? '?'}, baseline ${m.nBaseline ?? '?'}`,
        })),
    );
    if (values.length === 0) return [];
    const tip = [
      { field: 'pair' },
      { field: 'metric' },
      { field: 'verdict' },
      { field: 'change', title: 'effect (% of baseline median)' },
      { field: 'allowed', title: 'allowed change (%)' },
      { field: 'u', title: 'U' },
      { field: 'pValue', title: 'p-value' },
      { field: 'counts', title: 'points' },
    ];
    const allowedLevels = (field: 'allowed' | 'allowedBelow') =>
      level(
        values.map((v) => v[field]),
        'allowed change',
        '#d62728',
      );
    return [
      {
        width: WIDTH,
        height: 120,
        title: `${metric}: effect against the allowed change`,
        data: { values },
        layer: [
          ...allowedLevels('allowed'),
          ...allowedLevels('allowedBelow'),
          {
            mark: { type: 'point', filled: true, size: 80, ariaRoleDescription: 'metric effect' },
            encoding: {
              x,
              y: { field: 'change', type: 'quantitative', title: `${metric} effect (%)` },
              color: {
                field: 'verdict',
                type: 'nominal',
                scale: { domain: ['PASS', 'FAIL'], range: ['#2a9d4b', '#d62728'] },
                legend: null,
              },
              tooltip: tip,
            },
          },
        ],
      },
    ];
  });
  return {
    id: `chart-judgments-${slug(t.target)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      vconcat: [strip, ...(scored.length || rows.some((r) => r.pass !== null) ? [score] : []), ...effects],
      resolve: { scale: { x: 'shared', color: 'independent', shape: 'independent' } },
    },
  };
}

function targetHtml(t: TargetJudgments, chart: Chart): string {
  const notes = [
    t.rows.some((r) => r.verdict === 'NODATA')
      ? missing(
          `${t.rows.filter((r) => r.verdict === 'NODATA').length} NODATA judgment(s): on the verdict row, not on the score axis (no data is no pass, and no fail).`,
        )
      : '',
    t.rows.some((r) => r.pass === undefined && r.marginal === undefined)
      ? missing(
          `${t.rows.filter((r) => r.pass === undefined && r.marginal === undefined).length} judgment(s) record no thresholds: none drawn for them.`,
        )
      : '',
    t.rows.some((r) => r.thresholdsFrom === 'reason')
      ? missing('Some records hold no thresholds in their inputs: the ones their reasons state are shown.')
      : '',
    t.rows.some((r) => r.metrics.some((m) => typeof m.change === 'string'))
      ? missing('An infinite effect (from a baseline median of 0) is listed in the table, not plotted.')
      : '',
    t.rows.some((r) => r.truncated)
      ? missing('Some records had their inputs cut short in the table: their numbers are in the reasons only.')
      : '',
  ].join('');
  const rows = t.rows.map((r) => [
    timeText(r.at),
    r.pair,
    r.windowStart && r.windowEnd
      ? `${timeText(r.windowStart).slice(11, 16)}–${timeText(r.windowEnd).slice(11, 16)}`
      : { html: '<em>not recorded</em>' },
    { html: outcomeLabel(r.verdict) },
    { html: escapeHtml(scoreText(r)), className: 'num', ...(r.score !== undefined ? { title: String(r.score) } : {}) },
    {
      html: r.metrics.length
        ? r.metrics.map(metricHtml).join('<br>')
        : `<em>${r.truncated ? 'inputs cut short in the record' : 'no metric numbers recorded'}</em>`,
    },
    { html: actionHtml(r) },
    // The verdict's own reason: the metrics' reasons are the metrics column, and every reason is in
    // the decision table (repeating them here made a month's page a third larger).
    { html: escapeHtml(r.reasons[0] ?? ''), className: 'reasons' },
  ]);
  const about = [
    `analysis ${t.analyses.join(', ')}`,
    t.bindings.length ? `rollback binding ${t.bindings.join(', ')}` : 'no rollback binding recorded',
  ].join(' · ');
  return [
    `<h3 id="target-${slug(t.target)}">${escapeHtml(t.target)}</h3>`,
    `<p class="note">${escapeHtml(about)}</p>`,
    chartSlot(
      chart.id,
      `${t.target}: each judgment's verdict per pair over time; its score against the pass (green dashes) and marginal (amber dashes) thresholds; each metric's effect against the allowed change (red dashes)`,
    ),
    notes,
    table(['at (UTC)', 'pair', 'window', 'verdict', 'score', 'metrics', 'action', 'why'], rows, {
      className: 'judgments',
      id: `judgments-${slug(t.target)}`,
    }),
  ].join('\n');
}

export function judgmentsSection(records: readonly Decision[]): Section {
  const targets = judgments(records);
  if (targets.length === 0)
    return {
      id: 'judgments',
      title: 'Canary judgments',
      html: missing('No canary judgment in this selection.'),
      charts: [],
    };
  const charts = targets.map(targetChart);
  return {
    id: 'judgments',
    title: 'Canary judgments',
    html: targets.map((t, i) => targetHtml(t, charts[i]!)).join('\n'),
    charts,
  };
}
