/**
 * `whatif --html`: the recorded decisions and their re-decision under another policy on one page,
 * in the report's format (the same page, tables and charting library). Pure: the caller passes the
 * records, what functions/domain/whatif.ts made of them, and the charting library's sources.
 * Every number is the records' own or the re-decision's own (its counts, its formed batches, its
 * gate checks): nothing is computed here beyond placing them side by side.
 */
import type { KindCounts, Redecided, WhatIf } from '../domain/whatif';
import { gatesSection } from './gates';
import { escapeHtml, filterBar, missing, outcomeLabel, table, timeText } from './html';
import { page, type ChartLibraries } from './page';
import type { Decision } from './records';
import { retrainingSection } from './retraining';
import { chartSlot, prefixIds, type Section } from './section';

export interface WhatIfPageOptions {
  libraries: ChartLibraries;
  /** The changed policy, as the reader named it (`stricter.yml`). */
  policy: string;
  /** Where the records came from: `table mlops-state`, the scenario files. */
  source: string;
  /** When the page was built (ISO); given, so the same records give the same page. */
  generatedAt: string;
  /** Default: "What if: <policy>". */
  title?: string;
}

/** The two columns of a count: `recorded` and `new policy`. */
export type Side = 'recorded' | 'new policy';

export interface CountBar {
  kind: string;
  side: Side;
  outcome: string;
  count: number;
}

export interface WhatIfModel {
  records: number;
  counts: KindCounts[];
  /** The counts of the re-decided kinds as chart rows: one per kind, side and outcome. */
  bars: CountBar[];
  /** Decisions whose outcome (or, for a batch, its members) the new policy changes. */
  flips: Redecided[];
  /** Batches the new policy forms that no recorded batch matches. */
  unmatched: WhatIf['batches'];
  /** Records lacking an input the new policy needs: counted as they were. */
  lacking: Redecided[];
  /** The records the side-by-side sections draw: gates and batches as recorded... */
  before: Decision[];
  /** ...and as re-decided: gate records with the new verdicts and checks, the batches the new policy forms. */
  after: Decision[];
}

const isGate = (d: Decision) => d.kind.startsWith('gate.');
const BATCH_KINDS: ReadonlySet<string> = new Set(['retraining.batch', 'retraining.quarantine']);
const isBatch = (d: Decision) => BATCH_KINDS.has(d.kind);
const ruleOf = (subject: string) => subject.slice(0, subject.lastIndexOf('/'));

/**
 * A recorded decision as the new policy decides it. The recorded actions are left out: what the
 * new verdict would write is not part of the re-decision.
 */
const asRedecided = (d: Decision, r: Redecided | undefined): Decision => {
  if (r?.after === undefined) return d;
  const { actions: _actions, ...kept } = d;
  return { ...kept, outcome: r.after.outcome, reasons: r.after.reasons, inputs: r.after.inputs ?? d.inputs };
};

export function whatIfModel(records: readonly Decision[], result: WhatIf): WhatIfModel {
  const byIndex = new Map(result.redecided.map((r) => [r.index, r]));
  const bars = result.counts.flatMap((c) => {
    if (c.after === undefined) return [];
    const rows = (side: Side, tally: Record<string, number>) =>
      Object.entries(tally).map(([outcome, count]) => ({ kind: c.kind, side, outcome, count }));
    return [...rows('recorded', c.before), ...rows('new policy', c.after)];
  });

  // Batches: where the new policy re-formed a rule's batches, its formed batches stand for the
  // recorded ones; a rule it could not re-form (a record lacks an input) keeps its records.
  const reformed = new Set(result.formed.map((b) => b.rule));
  const seqs = new Map<string, number>();
  const formed = result.formed.map((b): Decision => {
    const seq = seqs.get(b.rule) ?? 0;
    seqs.set(b.rule, seq + 1);
    return {
      kind: b.kind,
      subject: `${b.rule}/${seq}`,
      outcome: b.outcome,
      reasons: b.reasons,
      inputs: { objects: b.objects, bytes: b.bytes, closeReason: b.closeReason },
      at: b.at,
    };
  });
  const before: Decision[] = [];
  const after: Decision[] = [];
  records.forEach((d, index) => {
    const r = byIndex.get(index);
    if (isGate(d)) {
      before.push(d);
      after.push(asRedecided(d, r));
    } else if (isBatch(d)) {
      before.push(d);
      if (!reformed.has(ruleOf(d.subject))) after.push(asRedecided(d, r));
    } else if (d.kind === 'retraining.ignore') {
      before.push(d);
      // An object the new policy routes is one of a formed batch's members now.
      if (r?.after?.outcome !== 'ROUTED') after.push(asRedecided(d, r));
    }
  });
  after.push(...formed);

  return {
    records: records.length,
    counts: result.counts,
    bars,
    flips: result.redecided.filter((r) => r.flipped && r.missing === undefined),
    unmatched: result.batches,
    lacking: result.redecided.filter((r) => r.missing !== undefined),
    before,
    after,
  };
}

/** `APPROVE 3, REJECT 1`, or `not re-decided` for a kind whatif only counts (the CLI prints the same). */
export const tally = (t: Record<string, number> | undefined): string =>
  t === undefined
    ? 'not re-decided'
    : Object.entries(t)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || '-';

function countsSection(m: WhatIfModel, policy: string): Section {
  const kinds = [...new Set(m.bars.map((b) => b.kind))];
  const row = (kind: string, side: Side) => `${kind} · ${side === 'recorded' ? 'recorded' : policy}`;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 24 + 44 * kinds.length,
    data: { values: m.bars.map((b) => ({ ...b, row: row(b.kind, b.side) })) },
    mark: { type: 'bar' },
    encoding: {
      y: {
        field: 'row',
        type: 'nominal',
        sort: kinds.flatMap((k) => [row(k, 'recorded'), row(k, 'new policy')]),
        title: null,
      },
      x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'decisions' },
      color: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { scheme: 'tableau20' } },
      tooltip: [{ field: 'kind' }, { field: 'side' }, { field: 'outcome' }, { field: 'count' }],
    },
  };
  const rows = m.counts.map((c) => [
    c.kind,
    tally(c.before),
    tally(c.after),
    c.missing > 0 ? { html: String(c.missing), className: 'num' } : '',
  ]);
  const html = [
    `<p>${m.records} decision records; each kind's outcomes as recorded and as ${escapeHtml(policy)} decides them (re-formed batches counted as the new policy forms them; a record lacking an input counts as it was).</p>`,
    kinds.length
      ? chartSlot('chart-whatif-counts', `Per re-decided kind: the outcomes recorded, and under ${policy}`)
      : missing('No record of a kind whatif re-decides in this selection.'),
    table(['kind', 'recorded', `under ${policy}`, 'lacking an input'], rows, { id: 'whatif-counts-table' }),
  ].join('\n');
  return {
    id: 'whatif-counts',
    title: 'Per kind',
    html,
    charts: kinds.length ? [{ id: 'chart-whatif-counts', spec }] : [],
  };
}

const reasonsCell = (reasons: readonly string[]) => ({ html: escapeHtml(reasons.join('\n')), className: 'reasons' });

function flipsSection(m: WhatIfModel, policy: string): Section {
  if (m.flips.length === 0)
    return {
      id: 'whatif-flips',
      title: 'Decisions that flip',
      html: `<p class="note">No decision flips under ${escapeHtml(policy)}.</p>`,
      charts: [],
    };
  const filters = filterBar('whatif-flips-table', 'flip-filter', 'flips', [
    { field: 'kind', label: 'kind', values: m.flips.map((r) => r.kind) },
    { field: 'before', label: 'recorded outcome', values: m.flips.map((r) => r.before.outcome) },
    { field: 'after', label: 'new outcome', values: m.flips.map((r) => r.after!.outcome) },
  ]);
  const rows = m.flips.map((r) => [
    timeText(r.at),
    r.kind,
    r.subject,
    { html: `${outcomeLabel(r.before.outcome)} → ${outcomeLabel(r.after!.outcome)}` },
    reasonsCell(r.before.reasons),
    reasonsCell(r.after!.reasons),
  ]);
  const html =
    filters +
    table(['at (UTC)', 'kind', 'subject', 'outcome', 'recorded because', `under ${policy}`], rows, {
      id: 'whatif-flips-table',
      rowAttributes: (i) => {
        const r = m.flips[i]!;
        return ` data-kind="${escapeHtml(r.kind)}" data-before="${escapeHtml(r.before.outcome)}" data-after="${escapeHtml(r.after!.outcome)}"`;
      },
    });
  return { id: 'whatif-flips', title: 'Decisions that flip', html, charts: [] };
}

function unmatchedSection(m: WhatIfModel): Section {
  const html = m.unmatched.length
    ? `<p class="note">Splits, merges and batches of objects the recorded policy ignored: the reasons are the new policy's close verdicts.</p>${table(
        ['rule', 'outcome', 'reasons'],
        m.unmatched.map((b) => [b.rule, { html: outcomeLabel(b.outcome) }, reasonsCell(b.reasons)]),
        { id: 'whatif-batches-table' },
      )}`
    : '<p class="note">Every batch the new policy forms is one a recorded batch already was.</p>';
  return { id: 'whatif-batches', title: 'New batches', html, charts: [] };
}

function lackingSection(m: WhatIfModel): Section {
  const html = m.lacking.length
    ? `<p class="note">Not re-decided: each counts as it was recorded.</p>${table(
        ['at (UTC)', 'kind', 'subject', 'recorded', 'lacks'],
        m.lacking.map((r) => [timeText(r.at), r.kind, r.subject, { html: outcomeLabel(r.before.outcome) }, r.missing]),
        { id: 'whatif-lacking-table' },
      )}`
    : '<p class="note">Every re-decided record holds the inputs the new policy needs.</p>';
  return { id: 'whatif-lacking', title: 'Records lacking an input', html, charts: [] };
}

/** One report section drawn twice, recorded on the left and re-decided on the right. */
function sideBySide(
  id: string,
  title: string,
  note: string,
  build: (records: readonly Decision[]) => Section,
  m: WhatIfModel,
  policy: string,
  only: (d: Decision) => boolean,
): Section {
  const left = prefixIds(build(m.before.filter(only)), 'recorded-');
  const right = prefixIds(build(m.after.filter(only)), 'redecided-');
  const html = [
    `<p class="note">${escapeHtml(note)}</p>`,
    '<div class="side-by-side">',
    `<div id="${id}-recorded"><h3>Recorded</h3>\n${left.html}</div>`,
    `<div id="${id}-redecided"><h3>Under ${escapeHtml(policy)}</h3>\n${right.html}</div>`,
    '</div>',
  ].join('\n');
  return { id, title, html, charts: [...left.charts, ...right.charts] };
}

export function whatIfSections(m: WhatIfModel, policy: string): Section[] {
  return [
    countsSection(m, policy),
    flipsSection(m, policy),
    unmatchedSection(m),
    lackingSection(m),
    sideBySide(
      'whatif-gates',
      'Gates, recorded and re-decided',
      'The gate decisions per model group: on the right each with the verdict and checks under the new policy (its thresholds, each check’s status); a record lacking an input is shown as recorded.',
      gatesSection,
      m,
      policy,
      isGate,
    ),
    sideBySide(
      'whatif-retraining',
      'Retraining batches, recorded and re-decided',
      'The batches per rule as they closed, and as the new policy forms them from the same arrivals. Starts, deferrals and releases are not re-decided, so neither side shows them.',
      retrainingSection,
      m,
      policy,
      (d) => isBatch(d) || d.kind === 'retraining.ignore',
    ),
  ];
}

export function renderWhatIf(records: readonly Decision[], result: WhatIf, options: WhatIfPageOptions): string {
  const model = whatIfModel(records, result);
  return page(whatIfSections(model, options.policy), {
    title: options.title ?? `What if: ${options.policy}`,
    subtitle: [
      `${records.length} decision records from ${options.source}, decided again under ${options.policy}`,
      `built ${options.generatedAt}`,
    ],
    libraries: options.libraries,
  });
}
