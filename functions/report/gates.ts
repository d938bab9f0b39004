/**
 * Gates per model group: each version's metrics against the thresholds and the champion value its
 * record names (the champion of its day), the verdict marked, and the reason on hover and in the
 * table. Versions whose checks had no data are listed as such, never plotted as a value.
 */
import { escapeHtml, missing, outcomeLabel, table, timeText } from './html';
import { chronological, inputsTruncated, list, num, object, text, type Decision } from './records';
import { chartSlot, slug, type Chart, type Section } from './section';

export interface GateCheck {
  metric: string;
  severity?: string;
  status?: string;
  value?: number;
  champion?: number;
  min?: number;
  max?: number;
  detail?: string;
}

export interface GateRow {
  at: string;
  kind: string;
  subject: string;
  outcome: string;
  gate?: string;
  group?: string;
  version?: string;
  package?: string;
  champion?: string;
  rule?: string;
  checks: GateCheck[];
  reason: string;
  truncated: boolean;
}

export interface GroupGates {
  group: string;
  rows: GateRow[];
}

const PACKAGE_ARN = /:model-package\/([^/]+)\/(\d+)$/;
export const UNKNOWN_GROUP = '(package not recorded)';

/** Group and version of a model package ARN (`...:model-package/churn-models/3`). */
export function packageVersion(arn: string | undefined): { group: string; version: string } | undefined {
  const m = arn ? PACKAGE_ARN.exec(arn) : null;
  return m ? { group: m[1]!, version: m[2]! } : undefined;
}

export function gates(records: readonly Decision[]): GroupGates[] {
  const groups = new Map<string, GateRow[]>();
  for (const d of chronological(records)) {
    if (!d.kind.startsWith('gate.') || d.kind === 'gate.ignore') continue;
    const inputs = d.inputs ?? {};
    const pkg = text(inputs.package) ?? (PACKAGE_ARN.test(d.subject) ? d.subject : undefined);
    const where = packageVersion(pkg);
    const checks = list(inputs.checks).flatMap((c): GateCheck[] => {
      const check = object(c);
      const metric = text(check?.metric);
      if (!check || !metric) return [];
      const threshold = object(check.threshold);
      const out: GateCheck = { metric };
      const put = <K extends keyof GateCheck>(k: K, v: GateCheck[K] | undefined) => {
        if (v !== undefined) out[k] = v;
      };
      put('severity', text(check.severity));
      put('status', text(check.status));
      put('value', num(check.value));
      put('champion', num(check.champion));
      put('min', num(threshold?.min));
      put('max', num(threshold?.max));
      put('detail', text(check.detail));
      return [out];
    });
    const row: GateRow = {
      at: d.at,
      kind: d.kind,
      subject: d.subject,
      outcome: d.outcome,
      checks,
      reason: d.reasons.join('\n'),
      truncated: inputsTruncated(d),
    };
    const fill = <K extends keyof GateRow>(k: K, v: GateRow[K] | undefined) => {
      if (v !== undefined) row[k] = v;
    };
    fill('gate', text(inputs.gate));
    fill('group', where?.group);
    fill('version', where?.version);
    fill('package', pkg);
    fill('champion', packageVersion(text(inputs.champion))?.version ?? text(inputs.champion));
    fill('rule', text(inputs.rule));
    const group = where?.group ?? UNKNOWN_GROUP;
    groups.set(group, [...(groups.get(group) ?? []), row]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === UNKNOWN_GROUP ? 1 : b === UNKNOWN_GROUP ? -1 : a.localeCompare(b)))
    .map(([group, rows]) => ({ group, rows }));
}

const VERDICTS = ['APPROVE', 'REJECT', 'HOLD'];

/** One point per (decision, metric): `v3` for the registry gate, `v3 · pipeline` for an approval action. */
const label = (r: GateRow): string => `v${r.version ?? '?'}${r.kind === 'gate.approval' ? ' · pipeline' : ''}`;

function groupChart(g: GroupGates): Chart | undefined {
  const values = [...g.rows]
    .sort((a, b) => Number(a.version ?? Infinity) - Number(b.version ?? Infinity) || (a.at < b.at ? -1 : 1))
    .filter((r) => VERDICTS.includes(r.outcome) && r.checks.length > 0)
    .flatMap((r) =>
      r.checks.map((c) => ({
        version: label(r),
        at: r.at,
        metric: c.metric,
        value: c.value ?? null,
        champion: c.champion ?? null,
        min: c.min ?? null,
        max: c.max ?? null,
        status: c.status ?? 'not recorded',
        detail: c.detail ?? '',
        outcome: r.outcome,
        reason: r.reason.split('\n')[0] ?? '',
      })),
    );
  if (values.length === 0) return undefined;
  // The versions in order on every layer: a layer's own order of appearance (one without v1's
  // champion, say) would otherwise reorder the axis.
  const x = { field: 'version', type: 'ordinal', sort: [...new Set(values.map((v) => v.version))], title: 'version' };
  const tooltip = [
    { field: 'version' },
    { field: 'metric' },
    { field: 'value' },
    { field: 'champion', title: 'champion value' },
    { field: 'min' },
    { field: 'max' },
    { field: 'status' },
    { field: 'detail' },
    { field: 'outcome' },
    { field: 'reason' },
  ];
  // One chart per metric, each with a layer per series its records hold: an empty layer makes
  // Vega warn of an infinite extent.
  const metrics = [...new Set(values.map((v) => v.metric))];
  const perMetric = (metric: string) => {
    const rows = values.filter((v) => v.metric === metric);
    const series = (field: 'min' | 'max' | 'champion', mark: Record<string, unknown>) =>
      rows.some((v) => v[field] !== null)
        ? [
            {
              transform: [{ filter: `datum.${field} !== null` }],
              mark,
              encoding: { x, y: { field, type: 'quantitative', scale: { zero: false } }, tooltip },
            },
          ]
        : [];
    return {
      title: metric,
      width: 220,
      height: 180,
      data: { values: rows },
      layer: [
        ...series('min', { type: 'tick', color: '#2a9d4b', thickness: 2 }),
        ...series('max', { type: 'tick', color: '#d62728', thickness: 2 }),
        ...series('champion', {
          type: 'point',
          shape: 'diamond',
          filled: false,
          color: '#555',
          size: 90,
          ariaRoleDescription: 'champion value',
        }),
        ...(rows.some((v) => v.value !== null)
          ? [
              {
                transform: [{ filter: 'datum.value !== null' }],
                mark: { type: 'point', filled: true, size: 80, ariaRoleDescription: 'version value' },
                encoding: {
                  x,
                  y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
                  color: {
                    field: 'outcome',
                    type: 'nominal',
                    scale: { domain: VERDICTS, range: ['#2a9d4b', '#d62728', '#f0a830'] },
                  },
                  shape: {
                    field: 'outcome',
                    type: 'nominal',
                    scale: { domain: VERDICTS, range: ['circle', 'cross', 'square'] },
                  },
                  tooltip,
                },
              },
            ]
          : []),
      ],
    };
  };
  return {
    id: `chart-gates-${slug(g.group)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${g.group}: metrics per version`,
      hconcat: metrics.map(perMetric),
      resolve: { scale: { y: 'independent' } },
    },
  };
}

const checkCell = (c: GateCheck): string =>
  `${escapeHtml(c.metric)}=${c.value ?? '-'}${c.champion !== undefined ? ` (champion ${c.champion})` : ''} ${escapeHtml(c.status ?? '')}${
    c.severity ? ` ${escapeHtml(c.severity)}` : ''
  }${c.detail ? `: ${escapeHtml(c.detail)}` : ''}`;

function groupHtml(g: GroupGates, chart: Chart | undefined): string {
  const noData = g.rows.filter((r) => r.checks.some((c) => c.value === undefined)).length;
  const rows = g.rows.map((r) => [
    timeText(r.at),
    r.version ? `v${r.version}` : 'not recorded',
    r.kind === 'gate.approval' ? 'pipeline approval' : r.kind === 'gate.registry' ? 'registry' : r.kind,
    r.gate ?? '',
    { html: outcomeLabel(r.outcome) },
    r.champion ? (/^\d+$/.test(r.champion) ? `v${r.champion}` : r.champion) : r.checks.length ? 'none' : '',
    {
      html: r.checks.length
        ? r.checks.map(checkCell).join('<br>')
        : `<em>${r.truncated ? 'inputs cut short in the record' : 'no checks recorded'}</em>`,
    },
    { html: escapeHtml(r.reason), className: 'reasons' },
  ]);
  return [
    `<h3 id="group-${slug(g.group)}">Model group ${escapeHtml(g.group)}</h3>`,
    chart
      ? chartSlot(
          chart.id,
          `${g.group}: each version's metric values (filled, by verdict), the champion's value (hollow diamond), min (green tick) and max (red tick) thresholds`,
        )
      : missing(`No judged version of ${g.group} has metric checks in its record: nothing to plot.`),
    noData ? missing(`${noData} decision(s) with checks that had no data: shown in the table, not plotted.`) : '',
    table(['at (UTC)', 'version', 'gate kind', 'gate', 'verdict', 'champion', 'checks', 'reason'], rows, {
      className: 'gates',
      id: `gates-${slug(g.group)}`,
    }),
  ].join('\n');
}

export function gatesSection(records: readonly Decision[]): Section {
  const groups = gates(records);
  if (groups.length === 0)
    return { id: 'gates', title: 'Gates', html: missing('No gate decisions in this selection.'), charts: [] };
  const charts = groups.map(groupChart);
  return {
    id: 'gates',
    title: 'Gates',
    html: groups.map((g, i) => groupHtml(g, charts[i])).join('\n'),
    charts: charts.filter((c): c is Chart => c !== undefined),
  };
}
