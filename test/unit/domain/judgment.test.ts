import type { AnalysisMetric } from '../../../functions/config/policy-analysis';
import {
  criteriaOf,
  deploymentPlaceholders,
  dimensionsOf,
  endpointPlaceholders,
  judgmentWindow,
  outcomeOf,
  resolveMetrics,
  responseTo,
  trafficHookOf,
} from '../../../functions/domain/judgment';
import { lambdaRevision } from '../../support/rollback-harness';
import { variantLatencyMetric } from '../../support/canary-moto';

const at = (iso: string) => new Date(iso);
const entry = { intervalMinutes: 5, lookbackMinutes: 15 };

describe('judgmentWindow', () => {
  it.each([
    ['mid-interval', '2026-12-04T10:07:31Z', undefined, '2026-12-04T09:50:00.000Z', '2026-12-04T10:05:00.000Z'],
    ['on a boundary', '2026-12-04T10:05:00Z', undefined, '2026-12-04T09:50:00.000Z', '2026-12-04T10:05:00.000Z'],
    [
      'a canary younger than the lookback (start rounded up to its next minute)',
      '2026-12-04T10:07:31Z',
      '2026-12-04T09:58:10Z',
      '2026-12-04T09:59:00.000Z',
      '2026-12-04T10:05:00.000Z',
    ],
  ])('%s', (_name, now, since, start, end) => {
    expect(judgmentWindow(at(now), entry, since ? at(since) : undefined)).toEqual({
      phase: 'judge',
      window: { start: at(start), end: at(end) },
    });
  });

  it('waits when the canary started after the interval ended', () => {
    expect(judgmentWindow(at('2026-12-04T10:07:31Z'), entry, at('2026-12-04T10:05:20Z'))).toEqual({
      phase: 'wait',
      reason:
        'the canary started at 2026-12-04T10:05:20.000Z, after the interval ending 2026-12-04T10:05:00.000Z: nothing to judge yet',
    });
  });

  it('aligns an hour-long interval on the hour', () => {
    const w = judgmentWindow(at('2026-12-04T10:59:59Z'), { intervalMinutes: 60, lookbackMinutes: 30 });
    expect(w).toEqual({
      phase: 'judge',
      window: { start: at('2026-12-04T09:30:00Z'), end: at('2026-12-04T10:00:00Z') },
    });
  });
});

describe('deploymentPlaceholders', () => {
  const d = { id: 'd-2', status: 'InProgress', createTime: '2026-12-04T10:00:00Z' };

  it('a Lambda deployment fills the function, alias, canary (TargetVersion) and baseline (CurrentVersion)', () => {
    expect(deploymentPlaceholders('app', 'grp', { ...d, revision: lambdaRevision('3', '4') })).toEqual({
      application: 'app',
      deploymentGroup: 'grp',
      deploymentId: 'd-2',
      function: 'churn-predict',
      alias: 'live',
      canaryVersion: '4',
      baselineVersion: '3',
    });
  });

  it('a deployment without a readable AppSpec fills only the group and id', () => {
    const s3 = { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'zip' } };
    expect(deploymentPlaceholders('app', 'grp', { ...d, revision: s3 })).toEqual({
      application: 'app',
      deploymentGroup: 'grp',
      deploymentId: 'd-2',
    });
  });
});

describe('resolveMetrics', () => {
  const metric = (over: Partial<AnalysisMetric>): AnalysisMetric =>
    ({ ...variantLatencyMetric, ...over }) as AnalysisMetric;
  const values = endpointPlaceholders({
    name: 'churn',
    canaryVariant: 'B',
    baselineVariant: 'A',
    canaryKind: 'production',
  });

  it('fills each side from the target', () => {
    expect(resolveMetrics([metric({})], values)).toEqual({
      resolved: [
        {
          metric: 'latency',
          canary: { EndpointName: 'churn', VariantName: 'B' },
          baseline: { EndpointName: 'churn', VariantName: 'A' },
        },
      ],
      unresolved: [],
    });
  });

  it('a metric naming a placeholder the target cannot fill is not read, and says which', () => {
    const ecs = metric({ name: 'tg', dimensions: {}, canary: { TargetGroup: '{canaryTargetGroup}' } });
    expect(resolveMetrics([ecs], values)).toEqual({
      resolved: [],
      unresolved: [{ metric: 'tg', reason: 'tg NODATA: {canaryTargetGroup} cannot be filled for this target' }],
    });
  });
});

describe('the response to a verdict', () => {
  it.each([
    ['FAIL', 'roll-back', 'FAIL'],
    ['MARGINAL', 'hold', 'HOLD'],
    ['PASS', 'continue', 'PASS'],
    ['NODATA', 'wait', 'NODATA'],
  ] as const)('%s → %s, recorded as %s', (verdict, response, outcome) => {
    expect(responseTo[verdict]).toBe(response);
    expect(outcomeOf[verdict]).toBe(outcome);
  });
});

describe('trafficHookOf', () => {
  const d = (content: string) => ({
    id: 'd-2',
    status: 'InProgress',
    createTime: '2026-12-04T10:00:00Z',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
  });
  const yaml = (hooks: string) =>
    `version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\nHooks:\n${hooks}`;

  it.each([
    ['YAML, AfterAllowTraffic only', yaml('  - AfterAllowTraffic: "CodeDeployHook_judge"\n'), 'AfterAllowTraffic'],
    ['YAML, BeforeAllowTraffic only', yaml('  - BeforeAllowTraffic: CodeDeployHook_judge\n'), 'BeforeAllowTraffic'],
    [
      'YAML, both hooks on this function',
      yaml('  - BeforeAllowTraffic: CodeDeployHook_judge\n  - AfterAllowTraffic: CodeDeployHook_judge\n'),
      'both',
    ],
    [
      'YAML, the other hook on another function',
      yaml('  - BeforeAllowTraffic: CodeDeployHook_smoke\n  - AfterAllowTraffic: CodeDeployHook_judge\n'),
      'AfterAllowTraffic',
    ],
    [
      'JSON, by ARN',
      JSON.stringify({
        version: 0.0,
        Hooks: [{ AfterAllowTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_judge' }],
      }),
      'AfterAllowTraffic',
    ],
    ['no hook names this function', yaml('  - AfterAllowTraffic: CodeDeployHook_other\n'), undefined],
  ])('%s', (_name, content, expected) => {
    expect(trafficHookOf(d(content), 'CodeDeployHook_judge')).toBe(expected);
  });
});

describe('criteriaOf and dimensionsOf', () => {
  const m = {
    name: 'latency',
    namespace: 'AWS/Lambda',
    metricName: 'Duration',
    statistic: 'p99',
    dimensions: { FunctionName: 'f', ExecutedVersion: 'shared' },
    canary: { ExecutedVersion: '8' },
    baseline: {},
    worse: 'increase',
    allowedChange: 10,
    effect: 'hodges-lehmann',
    minPoints: 10,
    critical: true,
    weight: 2,
  } as AnalysisMetric;

  it("a metric without its own confidence takes the entry's", () => {
    expect(criteriaOf({ confidence: 99, metrics: [m] })).toEqual([
      {
        name: 'latency',
        worse: 'increase',
        confidence: 99,
        allowedChange: 10,
        effect: 'hodges-lehmann',
        minPoints: 10,
        critical: true,
        weight: 2,
      },
    ]);
    expect(criteriaOf({ confidence: 99, metrics: [{ ...m, confidence: 90 }] })[0]!.confidence).toBe(90);
  });

  it("a side's own dimensions win over the shared ones", () => {
    expect(dimensionsOf(m, 'canary')).toEqual({ FunctionName: 'f', ExecutedVersion: '8' });
    expect(dimensionsOf(m, 'baseline')).toEqual({ FunctionName: 'f', ExecutedVersion: 'shared' });
  });
});
