import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Alternative, mannWhitneyU } from '../../../functions/domain/mann-whitney';

interface Table {
  scipy: string;
  seed: number;
  cases: Array<{ x: number[]; y: number[]; scipy: Record<Alternative, { u: number; p: number }> }>;
}

const script = fileURLToPath(new URL('../../fixtures/mann-whitney/scipy-table.py', import.meta.url));
const committed = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/mann-whitney/scipy-table.json', import.meta.url)), 'utf8'),
) as Table;
const ALTERNATIVES: Alternative[] = ['two-sided', 'less', 'greater'];
const TOLERANCE = 1e-9;

/** The largest |ours − scipy's| over every case and alternative, for U and for p. */
function largestDifference(table: Table): { u: number; p: number; compared: number } {
  let u = 0;
  let p = 0;
  let compared = 0;
  for (const c of table.cases)
    for (const alternative of ALTERNATIVES) {
      const ours = mannWhitneyU(c.x, c.y, alternative);
      u = Math.max(u, Math.abs(ours.u - c.scipy[alternative].u));
      p = Math.max(p, Math.abs(ours.pValue - c.scipy[alternative].p));
      compared++;
    }
  return { u, p, compared };
}

const python = spawnSync('python3', ['-c', 'import scipy'], { encoding: 'utf8' });
const scipyAvailable = python.status === 0;

describe('mannWhitneyU agrees with scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True)', () => {
  it('matches U and the p-value within 1e-9 on every case of the committed table (three alternatives each)', () => {
    const worst = largestDifference(committed);
    expect(worst.compared).toBeGreaterThanOrEqual(300);
    expect(worst.u).toBeLessThanOrEqual(TOLERANCE);
    expect(worst.p).toBeLessThanOrEqual(TOLERANCE);
  });

  it('has a table that covers ties, every value tied, one-point samples, large samples and tiny p-values', () => {
    const ties = committed.cases.filter((c) => new Set([...c.x, ...c.y]).size < c.x.length + c.y.length);
    expect(ties.length).toBeGreaterThan(50);
    expect(committed.cases.some((c) => new Set([...c.x, ...c.y]).size === 1)).toBe(true);
    expect(committed.cases.some((c) => c.x.length === 1 && c.y.length === 1)).toBe(true);
    expect(committed.cases.some((c) => c.x.length >= 250 && c.y.length >= 250)).toBe(true);
    expect(committed.cases.some((c) => c.scipy.greater.p < 1e-6 || c.scipy.less.p < 1e-6)).toBe(true);
  });

  (scipyAvailable ? it : it.skip)(
    scipyAvailable
      ? 'regenerates the table with python3 and scipy to the same cases and the same answers'
      : 'regenerates the table with python3 and scipy (skipped: python3 with scipy is not on this machine)',
    () => {
      const run = spawnSync('python3', [script], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const fresh = JSON.parse(run.stdout) as Table;
      expect(fresh.cases.map((c) => [c.x, c.y])).toEqual(committed.cases.map((c) => [c.x, c.y]));
      fresh.cases.forEach((c, i) => {
        for (const alternative of ALTERNATIVES) {
          expect(Math.abs(c.scipy[alternative].u - committed.cases[i]!.scipy[alternative].u)).toBeLessThanOrEqual(
            TOLERANCE,
          );
          expect(Math.abs(c.scipy[alternative].p - committed.cases[i]!.scipy[alternative].p)).toBeLessThanOrEqual(
            TOLERANCE,
          );
        }
      });
      expect(largestDifference(fresh).p).toBeLessThanOrEqual(TOLERANCE);
    },
    120_000,
  );
});

describe('mannWhitneyU', () => {
  it('counts the pairs where the first sample is larger, ties counting half', () => {
    expect(mannWhitneyU([3, 4], [1, 2], 'greater').u).toBe(4);
    expect(mannWhitneyU([1, 2], [3, 4], 'greater').u).toBe(0);
    expect(mannWhitneyU([2, 3], [2, 1], 'greater').u).toBe(3.5);
  });

  it('sums t³ − t over the groups of tied values of both samples', () => {
    // Groups: 1 (×2), 2 (×3), 5 (×1): (8 − 2) + (27 − 3) = 30.
    expect(mannWhitneyU([1, 2, 2], [1, 2, 5], 'two-sided').tieTerm).toBe(30);
  });

  it('gives a small p in the direction the samples lean, a large one against it, and twice the smaller two-sided', () => {
    const x = [12, 15, 11, 19, 14, 13, 17, 16, 18, 20];
    const y = [10, 9, 14, 8, 11, 12, 7, 13, 6, 5];
    const greater = mannWhitneyU(x, y, 'greater').pValue;
    const less = mannWhitneyU(x, y, 'less').pValue;
    expect(greater).toBeLessThan(0.01);
    expect(less).toBeGreaterThan(0.99);
    expect(mannWhitneyU(x, y, 'two-sided').pValue).toBeCloseTo(2 * greater, 12);
  });

  it('answers p = 1 when every value is tied (no spread to test)', () => {
    const result = mannWhitneyU([4, 4, 4], [4, 4], 'two-sided');
    expect(result.z).toBe(Number.NEGATIVE_INFINITY);
    expect(result.pValue).toBe(1);
  });

  it('refuses an empty sample and NaN, as scipy does', () => {
    expect(() => mannWhitneyU([], [1], 'less')).toThrow(RangeError);
    expect(() => mannWhitneyU([1, Number.NaN], [1], 'less')).toThrow(/NaN/);
  });
});
