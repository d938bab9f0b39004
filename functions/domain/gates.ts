/**
 * The gate's verdict, as pure functions: a metric reading, a check result per metric, and the one
 * outcome table that turns check results into APPROVE / REJECT / HOLD. No data never passes.
 */
import type { Gate, GateCheck } from '../config/policy-gates';

export type CheckStatus = 'PASS' | 'FAIL' | 'NODATA' | 'ERROR';
export type GateOutcome = 'APPROVE' | 'REJECT' | 'HOLD';

/** A metric value, or why there is none (NODATA: absent; ERROR: present but unusable). */
export type Reading = { value: number } | { status: 'NODATA' | 'ERROR'; reason: string };

export const hasValue = (r: Reading): r is { value: number } => 'value' in r;

export interface CheckResult {
  metric: string;
  severity: GateCheck['severity'];
  status: CheckStatus;
  value?: number;
  champion?: number;
  /** Human-readable: the thresholds applied and why it failed or had no data. */
  detail: string;
}

export interface Verdict {
  outcome: GateOutcome;
  /** The row of the outcome table that decided. */
  rule: string;
  results: CheckResult[];
}

/** Numbers in a JSON report: finite numbers only. Strings, booleans, null, NaN are not metrics. */
export function metricAt(doc: unknown, path: string): Reading {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part))
      return { status: 'NODATA', reason: `${path} not in the report` };
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node === 'number' && Number.isFinite(node)) return { value: node };
  if (node === null || node === undefined) return { status: 'NODATA', reason: `${path} is null` };
  return { status: 'ERROR', reason: `${path} is ${describe(node)}, not a number` };
}

/** CustomerMetadataProperties values are strings; only a plain decimal number counts. */
export function metadataMetric(properties: Readonly<Record<string, string>>, key: string): Reading {
  if (!Object.hasOwn(properties, key)) return { status: 'NODATA', reason: `metadata ${key} not set` };
  const text = (properties[key] ?? '').trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    return { status: 'ERROR', reason: `metadata ${key} is ${describe(text)}, not a number` };
  const value = Number(text);
  return Number.isFinite(value) ? { value } : { status: 'ERROR', reason: `metadata ${key} is not finite` };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 24))}`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export const isRelative = (c: GateCheck): boolean =>
  c.maxDegradation !== undefined || c.maxDegradationPct !== undefined || c.minImprovement !== undefined;

/** A check's bounds as recorded evidence: only the ones the policy sets, each its own field. */
export function thresholdOf(
  check: GateCheck,
): Partial<Pick<GateCheck, 'min' | 'max' | 'direction' | 'maxDegradation' | 'maxDegradationPct' | 'minImprovement'>> {
  const keys = ['min', 'max', 'direction', 'maxDegradation', 'maxDegradationPct', 'minImprovement'] as const;
  return Object.fromEntries(keys.filter((k) => check[k] !== undefined).map((k) => [k, check[k]]));
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4))));

/**
 * One check. The challenger's reading decides first (no value: NODATA/ERROR), then the absolute
 * bounds, then the comparison with the champion when there is one (a champion without a usable
 * value makes the check NODATA/ERROR: a broken baseline is not a pass).
 */
export function evaluateCheck(check: GateCheck, challenger: Reading, champion?: Reading): CheckResult {
  const base = { metric: check.metric, severity: check.severity };
  if (!hasValue(challenger)) return { ...base, status: challenger.status, detail: challenger.reason };
  const value = challenger.value;
  const failures: string[] = [];
  const passes: string[] = [];
  if (check.min !== undefined)
    (value < check.min ? failures : passes).push(`${value < check.min ? '<' : '≥'} min ${fmt(check.min)}`);
  if (check.max !== undefined)
    (value > check.max ? failures : passes).push(`${value > check.max ? '>' : '≤'} max ${fmt(check.max)}`);

  let championValue: number | undefined;
  if (isRelative(check) && champion !== undefined) {
    if (!hasValue(champion)) return { ...base, status: champion.status, value, detail: `champion: ${champion.reason}` };
    championValue = champion.value;
    // Positive = worse than the champion, in the metric's unit.
    const worse = check.direction === 'lower' ? value - championValue : championValue - value;
    const change = worse > 0 ? `worse by ${fmt(worse)}` : worse < 0 ? `better by ${fmt(-worse)}` : 'unchanged';
    if (check.maxDegradation !== undefined)
      (worse > check.maxDegradation ? failures : passes).push(
        worse > check.maxDegradation
          ? `${change} > ${fmt(check.maxDegradation)} allowed`
          : `${change} (${fmt(check.maxDegradation)} worse allowed)`,
      );
    if (check.maxDegradationPct !== undefined) {
      const pct =
        championValue === 0 ? (worse > 0 ? Number.POSITIVE_INFINITY : 0) : (worse / Math.abs(championValue)) * 100;
      const pctChange = pct > 0 ? `worse by ${fmt(pct)}%` : pct < 0 ? `better by ${fmt(-pct)}%` : 'unchanged';
      (pct > check.maxDegradationPct ? failures : passes).push(
        pct > check.maxDegradationPct
          ? `${pctChange} > ${fmt(check.maxDegradationPct)}% allowed`
          : `${pctChange} (${fmt(check.maxDegradationPct)}% worse allowed)`,
      );
    }
    if (check.minImprovement !== undefined)
      (-worse < check.minImprovement ? failures : passes).push(
        -worse < check.minImprovement
          ? `improves by ${fmt(-worse)} < required ${fmt(check.minImprovement)}`
          : `improves by ${fmt(-worse)} ≥ required ${fmt(check.minImprovement)}`,
      );
  }
  const status: CheckStatus = failures.length > 0 ? 'FAIL' : 'PASS';
  return {
    ...base,
    status,
    value,
    ...(championValue !== undefined ? { champion: championValue } : {}),
    detail: (failures.length > 0 ? failures : passes).join(', ') || 'no bound applies',
  };
}

/**
 * The outcome table, first matching row wins (docs/gates.md prints the same table):
 *
 *   1. any critical FAIL                              → REJECT
 *   2. any critical NODATA or ERROR                   → onMissingData (HOLD | REJECT)
 *   3. no champion, gate has champion comparisons     → firstModel (HOLD | APPROVE on absolute checks)
 *   4. any warning FAIL, NODATA or ERROR              → onWarning (HOLD | APPROVE)
 *   5. every check PASS                               → APPROVE
 */
export function decideGate(
  gate: Pick<Gate, 'checks' | 'firstModel' | 'onMissingData' | 'onWarning'>,
  results: readonly CheckResult[],
  hasChampion: boolean,
): Verdict {
  const critical = results.filter((r) => r.severity === 'critical');
  const warning = results.filter((r) => r.severity === 'warning');
  const verdict = (outcome: GateOutcome, rule: string): Verdict => ({ outcome, rule, results: [...results] });
  if (critical.some((r) => r.status === 'FAIL')) return verdict('REJECT', 'critical check failed');
  if (critical.some((r) => r.status === 'NODATA' || r.status === 'ERROR'))
    return verdict(
      gate.onMissingData === 'reject' ? 'REJECT' : 'HOLD',
      `critical check without data (onMissingData: ${gate.onMissingData})`,
    );
  if (!hasChampion && gate.checks.some(isRelative))
    return verdict(
      gate.firstModel === 'approve' ? 'APPROVE' : 'HOLD',
      `no champion to compare with (firstModel: ${gate.firstModel})`,
    );
  if (warning.some((r) => r.status !== 'PASS'))
    return verdict(
      gate.onWarning === 'approve' ? 'APPROVE' : 'HOLD',
      `warning check did not pass (onWarning: ${gate.onWarning})`,
    );
  if (results.length === 0 || results.some((r) => r.status !== 'PASS')) return verdict('HOLD', 'no check passed'); // unreachable with a validated policy; never approve on nothing
  return verdict('APPROVE', 'every check passed');
}

/** UTF-16 length limit with an ellipsis; AWS counts characters. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * What a person reads in ApprovalDescription (≤ 1024) or the PutApprovalResult summary (≤ 512):
 * the verdict and why, then each metric with its value, the champion's value, the thresholds and
 * its status. Failing and missing checks come first so a clipped text still says what matters.
 */
export function summarize(
  gate: Pick<Gate, 'name'>,
  verdict: Verdict,
  champion: string | undefined,
  maxLength: number,
): string {
  const order: Record<CheckStatus, number> = { FAIL: 0, ERROR: 1, NODATA: 2, PASS: 3 };
  const lines = [...verdict.results]
    .sort((a, b) => order[a.status] - order[b.status])
    .map((r) => {
      const value = r.value !== undefined ? fmt(r.value) : '-';
      const champ = r.champion !== undefined ? ` (champion ${fmt(r.champion)})` : '';
      return `${r.metric}=${value}${champ} ${r.status} ${r.severity}: ${r.detail}`;
    });
  const head = `${verdict.outcome} by gate ${gate.name}: ${verdict.rule}. Champion: ${champion ?? 'none'}.`;
  return clip([head, ...lines].join('\n'), maxLength);
}

/** `s3://bucket/key` → its parts; undefined for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
