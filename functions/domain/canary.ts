/**
 * Statistical canary judgment, as a pure function: each metric's canary series against its
 * baseline series (Mann-Whitney U test plus an effect size against an allowed change), then one
 * weighted score turned into PASS / MARGINAL / FAIL / NODATA. Kayenta's judge is the model; the
 * reasons are written out the way the gates write theirs. No data never passes, and never fails.
 */
import { type Alternative, mannWhitneyU } from './mann-whitney';

/** Which direction of change hurts: latency and errors `increase`, throughput or accuracy `decrease`. */
export type Worse = 'increase' | 'decrease' | 'either';
export type EffectMethod = 'hodges-lehmann' | 'median-ratio';

export interface MetricCriteria {
  name: string;
  worse: Worse;
  /** Percent, e.g. 95: the test's significance level is 1 − confidence/100. */
  confidence: number;
  /** Percent of the baseline's median the canary may be worse by, even when the difference is significant. */
  allowedChange: number;
  effect: EffectMethod;
  /** Fewer finite points than this on either side: NODATA. */
  minPoints: number;
  /** A critical FAIL fails the whole judgment. */
  critical: boolean;
  /** Share of the score; > 0. */
  weight: number;
}

export interface MetricSamples {
  canary: readonly number[];
  baseline: readonly number[];
}

export type Verdict = 'PASS' | 'MARGINAL' | 'FAIL' | 'NODATA';
export type MetricVerdict = 'PASS' | 'FAIL' | 'NODATA';

/** Score thresholds, 0–100: score ≥ pass is PASS, ≥ marginal is MARGINAL, below is FAIL. */
export interface Thresholds {
  pass: number;
  marginal: number;
}

export interface MetricJudgment {
  name: string;
  verdict: MetricVerdict;
  critical: boolean;
  weight: number;
  /** Finite points used on each side. */
  nCanary: number;
  nBaseline: number;
  /** Non-finite values dropped from the two series together. */
  dropped: number;
  /** From here on: present when both sides have at least minPoints. */
  alternative?: Alternative;
  /** U of the canary (scipy's statistic with x = canary, y = baseline). */
  u?: number;
  z?: number;
  pValue?: number;
  /** 1 − confidence/100. */
  alpha?: number;
  canaryMedian?: number;
  baselineMedian?: number;
  /** Canary minus baseline in the metric's unit: the Hodges-Lehmann shift or the difference of medians. */
  shift?: number;
  /** shift as a percent of |baseline median| (±Infinity when that median is 0 and the shift is not). */
  change?: number;
  /** The criteria's allowedChange, percent. */
  allowedChange?: number;
  /** Gates-style: the numbers and why. */
  reason: string;
}

export interface Judgment {
  verdict: Verdict;
  /** Weighted share of passing metrics, 0–100; a metric without data counts as not passing. */
  score: number;
  reason: string;
  metrics: MetricJudgment[];
}

/** Numbers as the reasons write them: whole numbers as they are, others to four significant digits. */
export const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
};
export const signed = (n: number): string => (n > 0 ? `+${fmt(n)}` : fmt(n));
export const fmtP = (p: number): string => (p !== 0 && p < 1e-4 ? p.toExponential(2) : fmt(p));

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median of every canary − baseline difference: the shift the rank test is about. The n·m
 * differences are selected, not sorted: 1440 points a side (a day's window) is 2 million
 * differences, ~0.5 s to sort and a tenth of that to select.
 */
export function hodgesLehmann(canary: readonly number[], baseline: readonly number[]): number {
  const diffs = new Float64Array(canary.length * baseline.length);
  let k = 0;
  for (const c of canary) for (const b of baseline) diffs[k++] = c - b;
  const mid = diffs.length >> 1;
  const upper = select(diffs, mid);
  if (diffs.length % 2 === 1) return upper;
  // After selecting `mid`, everything left of it is ≤ it: the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if (diffs[i]! > lower) lower = diffs[i]!;
  return (lower + upper) / 2;
}

/** The k-th smallest value (0-based), partitioning `a` in place around it (Hoare's quickselect). */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot: sorted or constant runs (common in metrics) stay linear.
    const m = (lo + hi) >> 1;
    const x = a[lo]!;
    const y = a[m]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

const alternativeFor: Record<Worse, Alternative> = {
  increase: 'greater',
  decrease: 'less',
  either: 'two-sided',
};
/** What each alternative tests, in the reasons' words. */
export const tested: Record<Alternative, string> = {
  greater: 'canary greater',
  less: 'canary less',
  'two-sided': 'canary different',
};

/**
 * One metric. FAIL needs both: the test says the canary differs in the worse direction at the
 * policy's confidence, and the effect is larger than the allowed change. Either alone is a PASS
 * (a significant but small change, or a large change the data cannot tell from noise).
 */
export function judgeMetric(criteria: MetricCriteria, samples: MetricSamples | undefined): MetricJudgment {
  const base = { name: criteria.name, critical: criteria.critical, weight: criteria.weight };
  const head = `${criteria.name} %s${criteria.critical ? ' critical' : ''}: `;
  const line = (verdict: MetricVerdict, detail: string): string => head.replace('%s', verdict) + detail;
  if (samples === undefined)
    return {
      ...base,
      verdict: 'NODATA',
      nCanary: 0,
      nBaseline: 0,
      dropped: 0,
      reason: line('NODATA', 'no series for this metric'),
    };
  const canary = samples.canary.filter(Number.isFinite);
  const baseline = samples.baseline.filter(Number.isFinite);
  const dropped = samples.canary.length - canary.length + samples.baseline.length - baseline.length;
  const counts = { nCanary: canary.length, nBaseline: baseline.length, dropped };
  const ignored = dropped > 0 ? ` (${dropped} non-finite values ignored)` : '';
  // At least one point a side whatever the criteria say: the test has nothing to rank otherwise.
  const needed = Math.max(criteria.minPoints, 1);
  if (canary.length < needed || baseline.length < needed)
    return {
      ...base,
      verdict: 'NODATA',
      ...counts,
      reason: line(
        'NODATA',
        `canary ${canary.length} points, baseline ${baseline.length}, at least ${needed} each needed${ignored}`,
      ),
    };

  const alternative = alternativeFor[criteria.worse];
  const test = mannWhitneyU(canary, baseline, alternative);
  // (100 − c) / 100 rather than 1 − c / 100: 95 gives 0.05 exactly.
  const alpha = (100 - criteria.confidence) / 100;
  const significant = test.pValue < alpha;
  const canaryMedian = median(canary);
  const baselineMedian = median(baseline);
  const shift = criteria.effect === 'hodges-lehmann' ? hodgesLehmann(canary, baseline) : canaryMedian - baselineMedian;
  const change =
    baselineMedian === 0
      ? shift === 0
        ? 0
        : Math.sign(shift) * Number.POSITIVE_INFINITY
      : (shift / Math.abs(baselineMedian)) * 100;
  const worseBy = criteria.worse === 'increase' ? change : criteria.worse === 'decrease' ? -change : Math.abs(change);
  const tooLarge = worseBy > criteria.allowedChange;
  const verdict: MetricVerdict = significant && tooLarge ? 'FAIL' : 'PASS';

  const effectName = criteria.effect === 'hodges-lehmann' ? 'Hodges-Lehmann shift' : 'median difference';
  const series = `canary ${canary.length} points median ${fmt(canaryMedian)}, baseline ${baseline.length} median ${fmt(baselineMedian)}${ignored}`;
  const stat = `U=${fmt(test.u)} p=${fmtP(test.pValue)} ${significant ? '<' : '≥'} ${fmt(alpha)} (${tested[alternative]})`;
  const effect = `${effectName} ${signed(shift)} (${signed(change)}%) ${tooLarge ? '>' : '≤'} ${fmt(criteria.allowedChange)}% ${criteria.worse === 'either' ? 'either way' : criteria.worse} allowed`;
  return {
    ...base,
    verdict,
    ...counts,
    alternative,
    u: test.u,
    z: test.z,
    pValue: test.pValue,
    alpha,
    canaryMedian,
    baselineMedian,
    shift,
    change,
    allowedChange: criteria.allowedChange,
    reason: line(verdict, `${series}; ${stat}; ${effect}`),
  };
}

const weighted = (metrics: readonly MetricJudgment[], passes: (m: MetricJudgment) => boolean): number => {
  const total = metrics.reduce((s, m) => s + m.weight, 0);
  return total === 0 ? 0 : (100 * metrics.filter(passes).reduce((s, m) => s + m.weight, 0)) / total;
};

function band(score: number, thresholds: Thresholds): { verdict: Exclude<Verdict, 'NODATA'>; why: string } {
  if (score >= thresholds.pass) return { verdict: 'PASS', why: `score ${fmt(score)} ≥ pass ${fmt(thresholds.pass)}` };
  if (score >= thresholds.marginal)
    return {
      verdict: 'MARGINAL',
      why: `score ${fmt(score)} < pass ${fmt(thresholds.pass)}, ≥ marginal ${fmt(thresholds.marginal)}`,
    };
  return { verdict: 'FAIL', why: `score ${fmt(score)} < marginal ${fmt(thresholds.marginal)}` };
}

/** The verdict if every metric without data had passed (missingPass) or failed. */
function assuming(metrics: readonly MetricJudgment[], thresholds: Thresholds, missingPass: boolean): Verdict {
  const passes = (m: MetricJudgment): boolean => m.verdict === 'PASS' || (missingPass && m.verdict === 'NODATA');
  if (metrics.some((m) => m.critical && !passes(m))) return 'FAIL';
  return band(weighted(metrics, passes), thresholds).verdict;
}

/**
 * The whole judgment. A metric without data is neither a pass nor a fail: the verdict is the one
 * the judged metrics force whatever the missing ones would have said (worst case: each missing
 * metric failed; best case: each passed). When the two cases disagree the verdict is NODATA; so a
 * missing critical metric, or too many missing ones, make it NODATA, and so does no metric at all.
 */
export function judge(
  criteria: readonly MetricCriteria[],
  thresholds: Thresholds,
  samples: Readonly<Record<string, MetricSamples>>,
): Judgment {
  const metrics = criteria.map((c) => judgeMetric(c, Object.hasOwn(samples, c.name) ? samples[c.name] : undefined));
  const score = weighted(metrics, (m) => m.verdict === 'PASS');
  const passed = metrics.filter((m) => m.verdict === 'PASS').length;
  const tally = `${passed} of ${metrics.length} metrics passed`;
  if (metrics.length === 0) return { verdict: 'NODATA', score: 0, reason: 'NODATA: no metric to judge', metrics };
  // Thresholds of 0 would let the best and worst cases agree on PASS with nothing judged.
  if (metrics.every((m) => m.verdict === 'NODATA'))
    return { verdict: 'NODATA', score, reason: `NODATA: no metric has enough data; ${tally}`, metrics };
  const worst = assuming(metrics, thresholds, false);
  const best = assuming(metrics, thresholds, true);
  const missing = metrics.filter((m) => m.verdict === 'NODATA').map((m) => m.name);
  if (worst !== best)
    return {
      verdict: 'NODATA',
      score,
      reason: `NODATA: without data for ${missing.join(', ')} the verdict could be ${best} or ${worst}; ${tally}`,
      metrics,
    };
  // The two cases agree, so the judged metrics alone explain the verdict: a failed critical metric,
  // or the score's band (a missing critical metric that agrees with FAIL means the score is below marginal).
  const criticalFailed = metrics.filter((m) => m.critical && m.verdict === 'FAIL').map((m) => m.name);
  const why =
    criticalFailed.length > 0 ? `critical metric ${criticalFailed.join(', ')} failed` : band(score, thresholds).why;
  const also = missing.length > 0 ? ` (${missing.join(', ')} without data, which could not change it)` : '';
  return { verdict: worst, score, reason: `${worst}: ${why}; ${tally}${also}`, metrics };
}
