/**
 * The report's canary-judgment section reads what the judgment workflow records (judgmentInputs on
 * the domain's own judge) and shows those numbers, never its own; where a record lacks them it
 * says so.
 */
import { validatePolicy } from '../../../functions/config/policy';
import { criteriaOf } from '../../../functions/domain/judgment';
import { judge, type MetricSamples } from '../../../functions/domain/canary';
import type { Decision } from '../../../functions/ports/decision-log';
import { judgments, judgmentsSection } from '../../../functions/report/judgments';
import { judgmentInputs, type JudgmentContext } from '../../../functions/workflows/rollback/judge';
import { latencyMetric } from '../../support/canary-moto';
import { policyInput } from '../../support/policies';

const policy = validatePolicy({
  ...policyInput([]),
  rollback: [
    {
      name: 'churn-live',
      alarms: { names: ['churn-errors'] },
      codedeploy: { application: 'churn-app', deploymentGroup: 'live' },
    },
    { name: 'ab', alarms: { names: ['ab-latency'] }, endpoint: { name: 'churn' } },
  ],
  analysis: [
    {
      name: 'churn-canary',
      target: { codedeploy: { application: 'churn-app', deploymentGroup: 'live' } },
      thresholds: { pass: 90, marginal: 60 },
      metrics: [
        latencyMetric,
        {
          ...latencyMetric,
          name: 'errors',
          metricName: 'Errors',
          statistic: 'Sum',
          critical: false,
          allowedChange: 0,
          minPoints: 5,
        },
      ],
    },
    {
      name: 'churn-ab',
      target: { endpoint: { name: 'churn', canaryVariant: 'v2', baselineVariant: 'v1' } },
      // The Lambda metric's statistic, on the endpoint's per-variant series.
      metrics: [
        {
          ...latencyMetric,
          name: 'model-latency',
          namespace: 'AWS/SageMaker',
          metricName: 'ModelLatency',
          dimensions: { EndpointName: '{endpoint}' },
          canary: { VariantName: '{canaryVariant}' },
          baseline: { VariantName: '{baselineVariant}' },
        },
      ],
    },
  ],
});
const [CANARY, AB] = policy.analysis as [(typeof policy.analysis)[0], (typeof policy.analysis)[0]];

const steady = (around: number, n = 15) => Array.from({ length: n }, (_, i) => around + ((i * 7) % 5) - 2);

/** A record as judge.ts commits it: the domain's judgment of `samples`, through judgmentInputs. */
function judged(
  entry: typeof CANARY,
  end: string,
  samples: Record<string, MetricSamples>,
  context: JudgmentContext = { via: 'tick', action: 'the canary continues', binding: 'churn-live' },
  pair = 'd-2',
): Decision {
  const j = judge(criteriaOf(entry), entry.thresholds, samples);
  const window = { start: new Date(Date.parse(end) - 15 * 60_000), end: new Date(end) };
  return {
    kind: 'analysis.judgment',
    subject: `${entry.name}/${pair}`,
    outcome: { PASS: 'PASS', MARGINAL: 'HOLD', FAIL: 'FAIL', NODATA: 'NODATA' }[j.verdict],
    reasons: [j.reason, ...j.metrics.map((m) => m.reason), context.action],
    // Through JSON, as the decision log stores the inputs.
    inputs: JSON.parse(JSON.stringify(judgmentInputs(entry, pair, window, j, context))) as Record<string, unknown>,
    at: end,
  };
}

const html = (records: Decision[]) => judgmentsSection(records).html;

describe('canary judgments in the report', () => {
  it('groups judgments per target and shows every metric number exactly as recorded', () => {
    const fail = judged(CANARY, '2026-11-23T09:15:00.000Z', {
      latency: { canary: steady(120), baseline: steady(100) },
      errors: { canary: steady(0, 10), baseline: steady(0, 10) },
    });
    const [target] = judgments([fail]);
    expect(target).toMatchObject({
      target: 'codedeploy churn-app/live',
      analyses: ['churn-canary'],
      bindings: ['churn-live'],
    });
    const [row] = target!.rows;
    expect(row).toMatchObject({
      verdict: 'FAIL',
      score: fail.inputs.score,
      pass: 90,
      marginal: 60,
      thresholdsFrom: 'inputs',
    });
    const recorded = (fail.inputs.metrics as Record<string, unknown>[])[0]!;
    expect(row!.metrics[0]).toEqual({
      name: 'latency',
      verdict: 'FAIL',
      critical: true,
      weight: 1,
      nCanary: 15,
      nBaseline: 15,
      dropped: 0,
      alternative: 'greater',
      u: recorded.u,
      pValue: recorded.pValue,
      alpha: 0.05,
      canaryMedian: recorded.canaryMedian,
      baselineMedian: recorded.baselineMedian,
      shift: recorded.shift,
      change: recorded.change,
      allowedChange: 10,
    });
    expect(html([fail])).toContain(`title="${String(recorded.pValue)}"`);
  });

  it('labels an endpoint target with its variants', () => {
    const ab = judged(AB, '2026-11-23T09:15:00.000Z', {
      'model-latency': { canary: steady(50), baseline: steady(50) },
    });
    expect(judgments([ab])[0]!.target).toBe('endpoint churn (canary v2, baseline v1)');
  });

  it('keeps an infinite effect (a zero baseline median) as recorded, listed but not plotted', () => {
    const errors = judged(CANARY, '2026-11-23T09:15:00.000Z', {
      latency: { canary: steady(100), baseline: steady(100) },
      errors: { canary: steady(3, 10).map((v) => v + 2), baseline: Array(10).fill(0) },
    });
    const metric = judgments([errors])[0]!.rows[0]!.metrics.find((m) => m.name === 'errors')!;
    expect(metric.change).toBe('Infinity');
    const section = judgmentsSection([errors]);
    expect(section.html).toContain('(+∞%) vs allowed 0%');
    expect(section.html).toContain(
      'An infinite effect (from a baseline median of 0) is listed in the table, not plotted.',
    );
    expect(JSON.stringify(section.charts)).not.toContain('"metric":"errors"');
  });

  it("links a tick's FAIL to the rollback steps it started, not to an alarm's steps on the same binding", () => {
    const fail = judged(
      CANARY,
      '2026-11-23T09:15:00.000Z',
      {
        latency: { canary: steady(130), baseline: steady(100) },
        errors: { canary: steady(0, 10), baseline: steady(0, 10) },
      },
      { via: 'tick', action: 'rolling back as an alarm on binding churn-live would', binding: 'churn-live' },
    );
    const step = (since: string, via: string, alarm: string): Decision => ({
      kind: 'rollback.codedeploy',
      subject: 'churn-live/codedeploy:churn-app/live',
      outcome: via === 'judgment' ? 'STOPPED' : 'NOTHING_TO_ROLL_BACK',
      reasons: [],
      inputs: { trigger: { via, alarm, since } },
      at: since,
      actions:
        via === 'judgment'
          ? [{ service: 'codedeploy', operation: 'StopDeployment', target: 'd-2', status: 'taken' }]
          : [],
    });
    const rows = judgments([
      fail,
      step('2026-11-23T09:15:00.000Z', 'judgment', 'churn-canary'),
      step('2026-11-23T09:29:00.000Z', 'eventbridge', 'churn-errors'),
      // Another interval's FAIL of the same analysis is that judgment's, not this one's.
      step('2026-11-23T09:20:00.000Z', 'judgment', 'churn-canary'),
    ])[0]!.rows;
    expect(rows[0]!.followUps).toEqual([
      {
        kind: 'rollback.codedeploy',
        subject: 'churn-live/codedeploy:churn-app/live',
        outcome: 'STOPPED',
        actions: ['codedeploy StopDeployment d-2'],
      },
    ]);
    expect(rows[0]!.action).toBe('rolling back as an alarm on binding churn-live would');
  });

  it('links a hook judgment to the hook answer of the same hook execution', () => {
    const pass = judged(
      CANARY,
      '2026-11-23T09:15:00.000Z',
      {
        latency: { canary: steady(100), baseline: steady(100) },
        errors: { canary: steady(0, 10), baseline: steady(0, 10) },
      },
      { via: 'hook', action: 'answers the AfterAllowTraffic hook', hookExecutionId: 'hook-1', binding: 'churn-live' },
    );
    const answer = (id: string): Decision => ({
      kind: 'rollback.hook',
      subject: 'deployment/d-2',
      outcome: 'SUCCEEDED',
      reasons: [],
      inputs: { hookExecutionId: id },
      at: '2026-11-23T09:15:01.000Z',
    });
    const [row] = judgments([pass, answer('hook-1'), answer('hook-0')])[0]!.rows;
    expect(row!.via).toBe('hook');
    expect(row!.followUps.map((f) => f.outcome)).toEqual(['SUCCEEDED']);
  });

  it('leaves NODATA judgments off the score axis and says so', () => {
    const nodata = judged(CANARY, '2026-11-23T09:05:00.000Z', {
      latency: { canary: steady(100, 4), baseline: steady(100, 4) },
      errors: { canary: steady(0, 4), baseline: steady(0, 4) },
    });
    expect(nodata.inputs.verdict).toBe('NODATA');
    const section = judgmentsSection([nodata]);
    expect(section.html).toContain('1 NODATA judgment(s): on the verdict row, not on the score axis');
    expect(JSON.stringify(section.charts)).not.toContain('judgment score');
    expect(section.html).toContain('not tested (too few points)');
  });

  it.each([
    [
      'reads the thresholds a reason states from a record that holds none in its inputs',
      { reasons: ['MARGINAL: score 50 < pass 95, ≥ marginal 75; 1 of 2 metrics passed'], outcome: 'HOLD' },
      { verdict: 'MARGINAL', pass: 95, marginal: 75, thresholdsFrom: 'reason' },
    ],
    [
      'states only the threshold the reason names',
      { reasons: ['PASS: score 100 ≥ pass 95; 1 of 1 metrics passed'], outcome: 'PASS' },
      { verdict: 'PASS', pass: 95, thresholdsFrom: 'reason' },
    ],
    [
      'records no thresholds where neither inputs nor reason hold them',
      { reasons: ['FAIL: critical metric latency failed; 0 of 1 metrics passed'], outcome: 'FAIL' },
      { verdict: 'FAIL' },
    ],
  ])('%s', (_name, over, expected) => {
    const old: Decision = {
      kind: 'analysis.judgment',
      subject: 'churn-canary/d-2',
      inputs: { analysis: 'churn-canary', pair: 'd-2' },
      at: '2026-11-23T09:15:00.000Z',
      ...over,
    };
    const [row] = judgments([old])[0]!.rows;
    expect(row).toMatchObject(expected);
    for (const k of ['pass', 'marginal', 'thresholdsFrom'] as const)
      if (!(k in expected)) expect(row![k]).toBeUndefined();
  });

  it('says which records lack their numbers: thresholds, and inputs cut short by the table', () => {
    const truncated: Decision = {
      kind: 'analysis.judgment',
      subject: 'churn-canary/d-2',
      outcome: 'FAIL',
      reasons: ['FAIL: critical metric latency failed; 0 of 1 metrics passed'],
      inputs: { truncated: '{"analysis":"churn-canary","pair":"d-2","met' },
      at: '2026-11-23T09:15:00.000Z',
    };
    const text = html([truncated]);
    expect(judgments([truncated])[0]!.target).toBe('analysis churn-canary');
    expect(text).toContain('1 judgment(s) record no thresholds: none drawn for them.');
    expect(text).toContain('their numbers are in the reasons only');
    expect(text).toContain('inputs cut short in the record');
  });

  it('says there is no judgment when there is none', () => {
    expect(html([])).toContain('No canary judgment in this selection.');
  });
});
