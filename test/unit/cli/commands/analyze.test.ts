import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type AnalyzeOptions } from '../../../../functions/cli/commands/analyze';
import { defaultCriteria } from '../../../../functions/config/policy-analysis';

const t0 = Date.parse('2026-12-01T12:00:00Z');
const minute = (i: number) => new Date(t0 + i * 60_000).toISOString();
/** 30 one-minute points around 100, ±5, the same every run. */
const noise = (i: number, k = 37) => ((i * k) % 11) - 5;
const baseline = Array.from({ length: 30 }, (_, i) => 100 + noise(i));
const drifting = Array.from({ length: 30 }, (_, i) => 100 + noise(i, 53) + i);
const equal = Array.from({ length: 30 }, (_, i) => 100 + noise(i, 53));
const csv = (values: readonly number[]) => `timestamp,value\n${values.map((v, i) => `${minute(i)},${v}`).join('\n')}\n`;
const metricData = (series: Record<string, readonly number[]>) =>
  JSON.stringify({
    MetricDataResults: Object.entries(series).map(([label, values], i) => ({
      Id: `m${i}`,
      Label: label,
      Timestamps: values.map((_, j) => minute(j)),
      Values: values,
      StatusCode: 'Complete',
    })),
    Messages: [],
  });

const policy = (analysis: unknown[], hooks: unknown[] = []) =>
  JSON.stringify({
    version: 1,
    controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'm' } },
    rollback: [
      { name: 'scorer', alarms: { names: ['a'] }, codedeploy: { application: 'scorer', deploymentGroup: 'live' } },
    ],
    hooks,
    analysis,
  });
const lambdaMetric = (name: string, fields: Record<string, unknown> = {}) => ({
  name,
  namespace: 'AWS/Lambda',
  metricName: name === 'errors' ? 'Errors' : 'Duration',
  statistic: name === 'errors' ? 'Sum' : 'p99',
  dimensions: { FunctionName: '{function}', Resource: '{function}:{alias}' },
  canary: { ExecutedVersion: '{canaryVersion}' },
  baseline: { ExecutedVersion: '{baselineVersion}' },
  ...fields,
});
const entry = (name: string, metrics: unknown[], fields: Record<string, unknown> = {}) => ({
  name,
  target: { codedeploy: { application: 'scorer', deploymentGroup: 'live' } },
  metrics,
  ...fields,
});

function run(files: Record<string, string>, options: Partial<AnalyzeOptions>) {
  const read = (file: string) => {
    if (!Object.hasOwn(files, file)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return files[file]!;
  };
  return analyze({ baseline: 'b.csv', canary: 'c.csv', ...options }, read);
}

describe('analyze without a policy: one metric, the documented defaults', () => {
  it('FAILs a canary whose latency drifts up, printing the verdict word first and exiting 2', async () => {
    const r = await run({ 'b.csv': csv(baseline), 'c.csv': csv(drifting) }, {});
    expect(r.criteria).toEqual([defaultCriteria('metric')]);
    expect(r.thresholds).toEqual({ pass: 95, marginal: 75 });
    expect(r.exitCode).toBe(2);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe('FAIL');
    expect(lines[1]).toBe('FAIL: score 0 < marginal 75; 0 of 1 metrics passed');
    expect(lines[2]).toMatch(
      /^ {2}metric FAIL: canary 30 points median \S+, baseline 30 median 100; U=\d+ p=\S+ < 0\.05/,
    );
    expect(lines[3]).toBe('    canary c.csv: 30 points, 2026-12-01T12:00:00Z to 2026-12-01T12:29:00Z');
    expect(lines[4]).toBe('    baseline b.csv: 30 points, 2026-12-01T12:00:00Z to 2026-12-01T12:29:00Z');
  });

  it('PASSes a noisy but equal canary (exit 0)', async () => {
    const r = await run({ 'b.csv': csv(baseline), 'c.csv': csv(equal) }, {});
    expect(r.output.split('\n')[0]).toBe('PASS');
    expect(r.exitCode).toBe(0);
  });

  it('is NODATA for a starved canary (exit 4)', async () => {
    const r = await run({ 'b.csv': csv(baseline), 'c.csv': csv(drifting.slice(0, 6)) }, {});
    expect(r.judgment.verdict).toBe('NODATA');
    expect(r.exitCode).toBe(4);
    expect(r.output).toContain('metric NODATA: canary 6 points, baseline 30, at least 10 each needed');
  });

  it('--json prints the full judgment: U, p, the effect, the criteria and thresholds', async () => {
    const r = await run(
      { 'b.csv': csv(baseline), 'c.json': metricData({ latency: drifting }) },
      { canary: 'c.json', json: true },
    );
    const doc = JSON.parse(r.output);
    expect(doc).toMatchObject({ verdict: 'FAIL', score: 0, thresholds: { pass: 95, marginal: 75 }, warnings: [] });
    expect(doc.metrics[0]).toMatchObject({ name: 'metric', nCanary: 30, nBaseline: 30, alternative: 'greater' });
    expect(doc.metrics[0].u).toBe(r.judgment.metrics[0]!.u);
    expect(doc.metrics[0].pValue).toBe(r.judgment.metrics[0]!.pValue);
    expect(doc.metrics[0].change).toBeGreaterThan(10);
  });

  it('--json writes an infinite change (from a zero baseline median) as the string "Infinity"', async () => {
    const zeros = csv(Array.from({ length: 12 }, () => 0));
    const some = csv(Array.from({ length: 12 }, (_, i) => 1 + (i % 3)));
    const r = await run({ 'b.csv': zeros, 'c.csv': some }, { json: true });
    expect(JSON.parse(r.output).metrics[0].change).toBe('Infinity');
  });

  it('applies the overrides: a 50 % allowed change passes the drift, confidence and thresholds are checked', async () => {
    const files = { 'b.csv': csv(baseline), 'c.csv': csv(drifting) };
    expect((await run(files, { allowedChange: '50' })).judgment.verdict).toBe('PASS');
    expect((await run(files, { worse: 'decrease' })).judgment.verdict).toBe('PASS');
    expect((await run(files, { minPoints: '31' })).judgment.verdict).toBe('NODATA');
    await expect(run(files, { confidence: '0.95' })).rejects.toThrow(
      '--confidence: must be a percent ≥ 50 and < 100, e.g. 95',
    );
    await expect(run(files, { worse: 'up' })).rejects.toThrow('--worse: must be increase, decrease or either');
    await expect(run(files, { minPoints: 'ten' })).rejects.toThrow('--min-points: must be a number');
    await expect(run(files, { pass: '50' })).rejects.toThrow('--pass/--marginal: must be ≤ pass');
  });

  it('refuses --analysis without --policy', async () => {
    await expect(run({}, { analysis: 'x' })).rejects.toThrow('--analysis needs --policy <file>');
  });
});

describe('analyze with a policy', () => {
  const twoMetrics = policy([
    entry('scorer-canary', [lambdaMetric('latency'), lambdaMetric('errors', { critical: true })]),
  ]);

  it("judges each of the entry's metrics from the get-metric-data series labelled with its name", async () => {
    const r = await run(
      {
        'p.json': twoMetrics,
        'b.json': metricData({ latency: baseline, errors: baseline }),
        'c.json': metricData({ latency: equal, errors: drifting }),
      },
      { policy: 'p.json', baseline: 'b.json', canary: 'c.json' },
    );
    expect(r.judgment.metrics.map((m) => [m.name, m.verdict])).toEqual([
      ['latency', 'PASS'],
      ['errors', 'FAIL'],
    ]);
    expect(r.judgment.reason).toBe('FAIL: critical metric errors failed; 1 of 2 metrics passed');
  });

  it('judges a metric missing from a file NODATA and says so; an unknown series is ignored with a warning', async () => {
    const r = await run(
      {
        'p.json': twoMetrics,
        'b.json': metricData({ latency: baseline, errors: baseline }),
        'c.json': metricData({ latency: equal, throttles: equal }),
      },
      { policy: 'p.json', baseline: 'b.json', canary: 'c.json' },
    );
    expect(r.judgment.verdict).toBe('NODATA');
    expect(r.warnings).toEqual([
      'c.json: no series labelled errors (it is judged NODATA)',
      'c.json: series throttles/m1 matches no metric and is ignored',
    ]);
  });

  it('uses the entry thresholds: one of two equal-weight metrics failing is MARGINAL at marginal 50', async () => {
    const p = policy([
      entry('x', [lambdaMetric('latency'), lambdaMetric('errors')], { thresholds: { pass: 90, marginal: 50 } }),
    ]);
    const r = await run(
      {
        'p.json': p,
        'b.json': metricData({ latency: baseline, errors: baseline }),
        'c.json': metricData({ latency: equal, errors: drifting }),
      },
      { policy: 'p.json', baseline: 'b.json', canary: 'c.json' },
    );
    expect(r.judgment).toMatchObject({ verdict: 'MARGINAL', score: 50 });
    expect(r.exitCode).toBe(3);
  });

  it('takes two CSV files for the one metric --metric names', async () => {
    const r = await run(
      { 'p.json': twoMetrics, 'b.csv': csv(baseline), 'c.csv': csv(drifting) },
      { policy: 'p.json', metric: 'errors' },
    );
    expect(r.judgment.metrics.map((m) => m.name)).toEqual(['errors']);
    expect(r.judgment.verdict).toBe('FAIL');
  });

  it.each([
    [
      { policy: 'p.json' },
      'c.csv holds 1 unnamed series and the judgment has metrics latency, errors: pick one with --metric NAME, or export get-metric-data JSON whose Labels are the metric names',
    ],
    [{ policy: 'p.json', metric: 'p50' }, 'analysis scorer-canary has no metric p50; its metrics: latency, errors'],
    [{ policy: 'p.json', analysis: 'other' }, 'p.json has no analysis other; its entries: scorer-canary'],
    [{ policy: 'two.json' }, 'two.json has 2 analysis entries (a, b): pick one with --analysis NAME'],
  ])('refuses %j', async (options, message) => {
    const files = {
      'p.json': twoMetrics,
      'two.json': policy(
        [
          entry('a', [lambdaMetric('latency')]),
          entry('b', [lambdaMetric('latency')], {
            target: { codedeploy: { application: 'ranker', deploymentGroup: 'live' } },
          }),
        ],
        [{ application: 'ranker' }],
      ),
      'b.csv': csv(baseline),
      'c.csv': csv(drifting),
    };
    await expect(run(files, options)).rejects.toThrow(message);
  });

  it('refuses an invalid policy with every problem and its path', async () => {
    await expect(
      run({ 'p.json': policy([entry('x', [lambdaMetric('latency', { worse: 'up' })])]) }, { policy: 'p.json' }),
    ).rejects.toThrow('analysis[0].metrics[0].worse: must be increase, decrease or either');
  });
});

describe('mlops-controller analyze (the command as a user starts it)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'analyze-'));
    writeFileSync(join(dir, 'b.csv'), csv(baseline));
    writeFileSync(join(dir, 'c.csv'), csv(drifting));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints FAIL and exits 2 for a drifting canary; a missing file is an error (exit 1)', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['functions/cli/bin.mjs', 'analyze', ...args], { encoding: 'utf8' });
    const fail = cli('--baseline', join(dir, 'b.csv'), '--canary', join(dir, 'c.csv'));
    expect(fail.stdout.split('\n')[0]).toBe('FAIL');
    expect(fail.status).toBe(2);
    const missing = cli('--baseline', join(dir, 'none.csv'), '--canary', join(dir, 'c.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('none.csv');
  }, 120_000);
});
