/**
 * The Mann-Whitney U test, as scipy.stats.mannwhitneyu(x, y, method='asymptotic',
 * use_continuity=True) computes it: U of x, the normal approximation with the tie correction and
 * the continuity correction, two-sided or one-sided. test/unit/domain/mann-whitney.test.ts holds it
 * to scipy's numbers within 1e-9 on a generated table.
 *
 * Always asymptotic, never exact: CloudWatch series carry ties (counts, rounded latencies), and the
 * exact distribution is only exact without ties; the canary policy needs at least `minPoints` (10 by
 * default) on each side, where the corrected normal approximation is close. One method for every
 * input also means a judgment can be reproduced with one scipy call.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import ranks from '@stdlib/stats-ranks';

/** scipy's names: `greater` is "x tends to be larger than y". */
export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitney {
  /** U of x (scipy's `statistic`): the number of (x, y) pairs with x > y, ties counting half. */
  u: number;
  /** The standardized statistic the p-value comes from (±Infinity when every value is tied). */
  z: number;
  pValue: number;
  /** Σ (t³ − t) over the groups of tied values of both samples together. */
  tieTerm: number;
}

/** Both samples must be non-empty and free of NaN, as scipy requires. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU needs at least one value in each sample');
  const all = [...x, ...y];
  if (all.some(Number.isNaN)) throw new RangeError('mannWhitneyU: the samples must not contain NaN');
  const r = ranks(all, { method: 'average' }) as number[];
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += r[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;

  const tieTerm = tieSum(all);
  const n = n1 + n2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // The continuity correction is always subtracted: the p-value is always an upper tail.
  const z = (u - (n1 * n2) / 2 - 0.5) / s;
  const p = normalCdf(-z, 0, 1) * factor;
  return { u: u1, z, pValue: Math.min(Math.max(p, 0), 1), tieTerm };
}

function tieSum(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    sum += t ** 3 - t;
    i = j;
  }
  return sum;
}
