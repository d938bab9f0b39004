import fc from 'fast-check';
import {
  hodgesLehmann,
  judge,
  judgeMetric,
  median,
  select,
  type MetricCriteria,
  type MetricSamples,
  type Thresholds,
} from '../../../functions/domain/canary';

const criteria = (fields: Partial<MetricCriteria> = {}): MetricCriteria => ({
  name: 'latency',
  worse: 'increase',
  confidence: 95,
  allowedChange: 10,
  effect: 'hodges-lehmann',
  minPoints: 10,
  critical: false,
  weight: 1,
  ...fields,
});
/** Twelve one-minute points around 100 with a spread of ±3: a steady baseline. */
const steady = [100, 102, 98, 101, 99, 103, 97, 100, 102, 98, 101, 99];
const scaled = (factor: number, values: readonly number[] = steady) => values.map((v) => v * factor);
const pair = (canary: readonly number[], baseline: readonly number[] = steady): MetricSamples => ({ canary, baseline });
const thresholds: Thresholds = { pass: 95, marginal: 50 };

describe('median and hodgesLehmann', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
  ])('median of %j is %d', (values, expected) => expect(median(values)).toBe(expected));

  it('takes the median of every canary − baseline difference', () => {
    // Differences: 10-1, 10-2, 20-1, 20-2 = 9, 8, 19, 18 → median (9 + 18) / 2.
    expect(hodgesLehmann([10, 20], [1, 2])).toBe(13.5);
  });

  it('selects the same k-th value and the same shift as sorting every difference would', () => {
    const values = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, values, fc.nat(), (canary, baseline, k) => {
        const diffs = canary.flatMap((c) => baseline.map((b) => c - b));
        const sorted = [...diffs].sort((a, b) => a - b);
        expect(select(Float64Array.from(diffs), k % diffs.length)).toBe(sorted[k % diffs.length]);
        expect(hodgesLehmann(canary, baseline)).toBe(median(diffs));
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});

describe('judgeMetric', () => {
  it('is NODATA when the metric has no series', () => {
    const m = judgeMetric(criteria(), undefined);
    expect(m).toMatchObject({ verdict: 'NODATA', nCanary: 0, nBaseline: 0 });
    expect(m.reason).toBe('latency NODATA: no series for this metric');
    expect(m.pValue).toBeUndefined();
  });

  it.each([
    ['canary', pair(steady.slice(0, 9)), 'canary 9 points, baseline 12, at least 10 each needed'],
    ['baseline', pair(steady, steady.slice(0, 3)), 'canary 12 points, baseline 3, at least 10 each needed'],
  ])('is NODATA, never PASS, when the %s has fewer than minPoints', (_side, samples, detail) => {
    const m = judgeMetric(criteria(), samples);
    expect(m.verdict).toBe('NODATA');
    expect(m.reason).toBe(`latency NODATA: ${detail}`);
  });

  it('needs a point on each side even when minPoints is 0', () => {
    expect(judgeMetric(criteria({ minPoints: 0 }), pair([], steady)).reason).toBe(
      'latency NODATA: canary 0 points, baseline 12, at least 1 each needed',
    );
  });

  it('drops non-finite values, says how many, and counts only the rest towards minPoints', () => {
    const canary = [...steady.slice(0, 9), Number.NaN, Number.POSITIVE_INFINITY];
    const m = judgeMetric(criteria(), pair(canary));
    expect(m).toMatchObject({ verdict: 'NODATA', nCanary: 9, dropped: 2 });
    expect(m.reason).toContain('(2 non-finite values ignored)');
  });

  it('FAILs a canary significantly and materially worse, with every number in the reason', () => {
    const m = judgeMetric(criteria({ critical: true }), pair(scaled(1.2)));
    expect(m).toMatchObject({
      verdict: 'FAIL',
      alternative: 'greater',
      nCanary: 12,
      nBaseline: 12,
      u: 144,
      alpha: 0.05,
      canaryMedian: 120,
      baselineMedian: 100,
      allowedChange: 10,
    });
    expect(m.pValue!).toBeLessThan(1e-4);
    expect(m.change!).toBeCloseTo(20, 0);
    // scipy.stats.mannwhitneyu(canary, baseline, alternative='greater', method='asymptotic'): p = 1.7589e-05.
    expect(m.pValue!).toBeCloseTo(1.758937394535016e-5, 15);
    expect(m.reason).toBe(
      'latency FAIL critical: canary 12 points median 120, baseline 12 median 100; U=144 p=1.76e-5 < 0.05 (canary greater); Hodges-Lehmann shift +20 (+20%) > 10% increase allowed',
    );
  });

  it('PASSes a significant change smaller than the allowed change', () => {
    const m = judgeMetric(criteria(), pair(steady.map((v) => v + 5)));
    expect(m.pValue!).toBeLessThan(0.05);
    expect(m.change!).toBeCloseTo(5, 0);
    expect(m.verdict).toBe('PASS');
    expect(m.reason).toContain('≤ 10% increase allowed');
  });

  it('PASSes a large change the data cannot tell from noise', () => {
    // Ten wild points each side: the medians differ by 20 %, the ranks interleave.
    const baseline = [50, 150, 60, 140, 70, 130, 80, 120, 90, 110];
    const canary = [60, 170, 70, 160, 80, 150, 90, 145, 100, 125];
    const m = judgeMetric(criteria(), pair(canary, baseline));
    expect(m.change!).toBeGreaterThan(10);
    expect(m.pValue!).toBeGreaterThanOrEqual(0.05);
    expect(m.verdict).toBe('PASS');
    expect(m.reason).toContain('≥ 0.05');
  });

  it('PASSes an improvement when only an increase is worse (one-sided test)', () => {
    const m = judgeMetric(criteria(), pair(scaled(0.7)));
    expect(m).toMatchObject({ verdict: 'PASS', alternative: 'greater' });
    expect(m.pValue!).toBeGreaterThan(0.99);
  });

  it('FAILs a drop when a decrease is worse', () => {
    const m = judgeMetric(criteria({ name: 'invocations', worse: 'decrease' }), pair(scaled(0.7)));
    expect(m).toMatchObject({ verdict: 'FAIL', alternative: 'less' });
    expect(m.reason).toContain('> 10% decrease allowed');
  });

  it.each([
    [0.7, 'FAIL'],
    [1.3, 'FAIL'],
    [1.02, 'PASS'],
  ])('with worse: either, judges a canary at %d × the baseline two-sided: %s', (factor, verdict) => {
    const m = judgeMetric(criteria({ worse: 'either' }), pair(scaled(factor)));
    expect(m).toMatchObject({ verdict, alternative: 'two-sided' });
  });

  it('measures the median ratio when asked: the difference of medians as a percent of the baseline median', () => {
    const m = judgeMetric(criteria({ effect: 'median-ratio', allowedChange: 15 }), pair(scaled(1.2)));
    expect(m.shift).toBeCloseTo(20, 9);
    expect(m.change).toBeCloseTo(20, 9);
    expect(m.verdict).toBe('FAIL');
    expect(m.reason).toContain('median difference +20 (+20%) > 15% increase allowed');
  });

  it('treats any worsening from a zero baseline median (no errors before) as infinitely large', () => {
    const baseline = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const canary = [2, 3, 1, 4, 2, 3, 5, 2, 1, 3, 2, 4];
    const m = judgeMetric(criteria({ name: 'errors' }), pair(canary, baseline));
    expect(m.change).toBe(Number.POSITIVE_INFINITY);
    expect(m.verdict).toBe('FAIL');
    expect(m.reason).toContain('(+∞%) > 10% increase allowed');
  });

  it('uses the criteria confidence: the same data FAILs at 95 % and PASSes at 99.9 % (p = 0.0081)', () => {
    const canary = [112, 125, 96, 128, 104, 131, 99, 126, 115, 100, 127, 101];
    const at95 = judgeMetric(criteria(), pair(canary));
    const at999 = judgeMetric(criteria({ confidence: 99.9 }), pair(canary));
    expect(at95.pValue).toBe(at999.pValue);
    expect(at95.pValue!).toBeCloseTo(0.008123275870549378, 12);
    expect(at95.change!).toBeCloseTo(13.5, 9);
    expect([at95.verdict, at999.verdict]).toEqual(['FAIL', 'PASS']);
  });
});

describe('judge', () => {
  const latency = criteria();
  const errors = criteria({ name: 'errors' });
  const good = pair(steady.map((v) => v + 1));
  const bad = pair(scaled(1.3));
  const starved = pair(steady.slice(0, 4));

  it('PASSes when every metric passes: score 100', () => {
    const j = judge([latency, errors], thresholds, { latency: good, errors: good });
    expect(j).toMatchObject({ verdict: 'PASS', score: 100 });
    expect(j.reason).toBe('PASS: score 100 ≥ pass 95; 2 of 2 metrics passed');
    expect(j.metrics.map((m) => m.verdict)).toEqual(['PASS', 'PASS']);
  });

  it('is MARGINAL when the score is under pass but at least marginal', () => {
    const j = judge([latency, errors], thresholds, { latency: good, errors: bad });
    expect(j).toMatchObject({ verdict: 'MARGINAL', score: 50 });
    expect(j.reason).toBe('MARGINAL: score 50 < pass 95, ≥ marginal 50; 1 of 2 metrics passed');
  });

  it('FAILs when the score is under marginal', () => {
    const j = judge([latency, errors], { pass: 95, marginal: 60 }, { latency: good, errors: bad });
    expect(j).toMatchObject({ verdict: 'FAIL', score: 50 });
    expect(j.reason).toBe('FAIL: score 50 < marginal 60; 1 of 2 metrics passed');
  });

  it('weights the score by each metric weight', () => {
    const j = judge([criteria({ weight: 3 }), criteria({ name: 'errors', weight: 1 })], thresholds, {
      latency: good,
      errors: bad,
    });
    expect(j.score).toBe(75);
    expect(j.verdict).toBe('MARGINAL');
  });

  it('FAILs on a critical FAIL however high the score', () => {
    const j = judge(
      [criteria({ weight: 99 }), criteria({ name: 'errors', critical: true, weight: 1 })],
      { pass: 50, marginal: 10 },
      { latency: good, errors: bad },
    );
    expect(j).toMatchObject({ verdict: 'FAIL', score: 99 });
    expect(j.reason).toBe('FAIL: critical metric errors failed; 1 of 2 metrics passed');
  });

  it('is NODATA, not PASS, when a critical metric has no data and the rest pass', () => {
    const j = judge([latency, criteria({ name: 'errors', critical: true })], thresholds, {
      latency: good,
      errors: starved,
    });
    expect(j.verdict).toBe('NODATA');
    expect(j.reason).toBe('NODATA: without data for errors the verdict could be PASS or FAIL; 1 of 2 metrics passed');
  });

  it('is NODATA when missing metrics could move the score across a threshold', () => {
    const j = judge([latency, errors], thresholds, { latency: good });
    expect(j).toMatchObject({ verdict: 'NODATA', score: 50 });
    expect(j.metrics[1]!.reason).toBe('errors NODATA: no series for this metric');
  });

  it('keeps the verdict a metric without data could not change, and says so', () => {
    const j = judge([criteria({ weight: 99 }), criteria({ name: 'errors', weight: 1 })], thresholds, {
      latency: good,
      errors: starved,
    });
    expect(j).toMatchObject({ verdict: 'PASS', score: 99 });
    expect(j.reason).toBe(
      'PASS: score 99 ≥ pass 95; 1 of 2 metrics passed (errors without data, which could not change it)',
    );
  });

  it('FAILs with a critical metric missing when the judged metrics already fail the score', () => {
    const j = judge(
      [criteria({ weight: 3 }), criteria({ name: 'errors', critical: true, weight: 1 })],
      { pass: 95, marginal: 50 },
      { latency: bad, errors: starved },
    );
    expect(j.verdict).toBe('FAIL');
    expect(j.reason).toBe(
      'FAIL: score 0 < marginal 50; 0 of 2 metrics passed (errors without data, which could not change it)',
    );
  });

  it('is NODATA when no metric has data, and when there is no metric at all', () => {
    expect(judge([latency, errors], thresholds, {}).verdict).toBe('NODATA');
    expect(judge([latency], { pass: 0, marginal: 0 }, { latency: starved })).toMatchObject({
      verdict: 'NODATA',
      reason: 'NODATA: no metric has enough data; 0 of 1 metrics passed',
    });
    expect(judge([], thresholds, { latency: good })).toEqual({
      verdict: 'NODATA',
      score: 0,
      reason: 'NODATA: no metric to judge',
      metrics: [],
    });
  });

  it('reads only the samples named by the criteria, never inherited properties', () => {
    const j = judge([criteria({ name: 'toString' })], thresholds, { latency: good });
    expect(j.metrics[0]!.verdict).toBe('NODATA');
  });

  it('never PASSes when a critical metric has no data, and losing data never turns a FAIL into a PASS', () => {
    const value = fc.integer({ min: 80, max: 140 });
    const series = fc.array(value, { minLength: 0, maxLength: 15 });
    const metric = fc.record({
      canary: series,
      baseline: series,
      critical: fc.boolean(),
      weight: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(metric, { minLength: 1, maxLength: 4 }), fc.nat({ max: 3 }), (metrics, drop) => {
        const all = metrics.map((m, i) => criteria({ name: `m${i}`, critical: m.critical, weight: m.weight }));
        const samples = Object.fromEntries(metrics.map((m, i) => [`m${i}`, pair(m.canary, m.baseline)]));
        const full = judge(all, thresholds, samples);
        if (full.metrics.some((m) => m.critical && m.verdict === 'NODATA')) expect(full.verdict).not.toBe('PASS');
        const fewer = { ...samples };
        delete fewer[`m${drop % metrics.length}`];
        const partial = judge(all, thresholds, fewer);
        if (full.verdict === 'FAIL') expect(partial.verdict).not.toBe('PASS');
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
