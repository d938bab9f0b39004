import { validatePolicy } from '../../../functions/config/policy';
import { ANALYSIS_DEFAULTS, defaultCriteria, placeholdersIn } from '../../../functions/config/policy-analysis';
import { criteriaOf, dimensionsOf } from '../../../functions/domain/judgment';
import { PolicyError } from '../../../functions/domain/errors';
import { policyInput } from '../../support/policies';
import { variantLatencyMetric } from '../../support/canary-moto';

const rollback = [
  {
    name: 'scorer',
    alarms: { names: ['scorer-errors'] },
    codedeploy: { application: 'scorer', deploymentGroup: 'live' },
  },
  { name: 'churn-endpoint', alarms: { names: ['churn-latency'] }, endpoint: { name: 'churn' } },
];
const lambdaLatency = {
  name: 'duration',
  namespace: 'AWS/Lambda',
  metricName: 'Duration',
  statistic: 'p99',
  dimensions: { FunctionName: '{function}', Resource: '{function}:{alias}' },
  canary: { ExecutedVersion: '{canaryVersion}' },
  baseline: { ExecutedVersion: '{baselineVersion}' },
};
const codedeployEntry = {
  name: 'scorer-canary',
  target: { codedeploy: { application: 'scorer', deploymentGroup: 'live' } },
  metrics: [lambdaLatency],
};
const endpointEntry = {
  name: 'churn-ab',
  target: { endpoint: { name: 'churn', canaryVariant: 'v2', baselineVariant: 'v1' } },
  metrics: [variantLatencyMetric],
};

const withAnalysis = (analysis: unknown[], extra: Record<string, unknown> = {}) =>
  validatePolicy({ ...policyInput([]), rollback, analysis, ...extra });

function problems(analysis: unknown[], extra: Record<string, unknown> = {}): string[] {
  try {
    withAnalysis(analysis, extra);
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}
const metric = (fields: Record<string, unknown>) => ({
  ...codedeployEntry,
  metrics: [{ ...lambdaLatency, ...fields }],
});

describe('analysis policy', () => {
  it('defaults to no analysis', () => {
    expect(validatePolicy(policyInput([])).analysis).toEqual([]);
  });

  it('fills the documented defaults: worse increase, 95 %, 10 %, 10 points, Hodges-Lehmann, weight 1', () => {
    const [entry] = withAnalysis([codedeployEntry]).analysis;
    expect(entry).toMatchObject({
      confidence: 95,
      thresholds: { pass: 95, marginal: 75 },
      intervalMinutes: 5,
      lookbackMinutes: 15,
      hook: false,
    });
    expect(criteriaOf(entry!)).toEqual([
      {
        name: 'duration',
        worse: 'increase',
        confidence: 95,
        allowedChange: 10,
        effect: 'hodges-lehmann',
        minPoints: 10,
        critical: false,
        weight: 1,
      },
    ]);
    expect(defaultCriteria('duration')).toEqual(criteriaOf(entry!)[0]);
    expect(ANALYSIS_DEFAULTS).toMatchObject({ worse: 'increase', confidence: 95, allowedChange: 10, minPoints: 10 });
  });

  it("gives a metric the entry's confidence unless it sets its own", () => {
    const [entry] = withAnalysis([
      {
        ...codedeployEntry,
        confidence: 99,
        metrics: [lambdaLatency, { ...lambdaLatency, name: 'p50', confidence: 90 }],
      },
    ]).analysis;
    expect(criteriaOf(entry!).map((c) => c.confidence)).toEqual([99, 90]);
  });

  it("merges the shared dimensions with each side's, the side winning", () => {
    const [entry] = withAnalysis([
      metric({
        dimensions: { FunctionName: '{function}', ExecutedVersion: 'x' },
        baseline: { ExecutedVersion: '{baselineVersion}' },
      }),
    ]).analysis;
    expect(dimensionsOf(entry!.metrics[0]!, 'canary')).toEqual({
      FunctionName: '{function}',
      ExecutedVersion: '{canaryVersion}',
    });
    expect(dimensionsOf(entry!.metrics[0]!, 'baseline')).toEqual({
      FunctionName: '{function}',
      ExecutedVersion: '{baselineVersion}',
    });
  });

  it('accepts an endpoint with production variants and one with a shadow canary', () => {
    const shadow = {
      ...endpointEntry,
      name: 'churn-shadow',
      target: { endpoint: { name: 'churn', canaryVariant: 'shadow', baselineVariant: 'v1', canaryKind: 'shadow' } },
    };
    const analysis = withAnalysis([endpointEntry, shadow]).analysis;
    expect(analysis.map((a) => a.target.endpoint?.canaryKind)).toEqual(['production', 'shadow']);
  });

  it.each([
    'Average',
    'Sum',
    'Minimum',
    'Maximum',
    'SampleCount',
    'p99',
    'p99.9',
    'p100',
    'tm90',
    'wm99.5',
    'tc90',
    'ts90',
    'TM(10%:90%)',
    'PR(:300)',
    'TM(150:1000)',
    'IQM',
  ])('accepts the CloudWatch statistic %s', (statistic) => {
    expect(problems([metric({ statistic })])).toEqual([]);
  });

  it.each([
    [
      { target: {} },
      'analysis[0].target: needs exactly one of codedeploy { application, deploymentGroup } or endpoint { name, canaryVariant, baselineVariant }',
    ],
    [
      {
        target: {
          codedeploy: { application: 'scorer', deploymentGroup: 'live' },
          endpoint: endpointEntry.target.endpoint,
        },
      },
      'analysis[0].target: needs exactly one of codedeploy { application, deploymentGroup } or endpoint { name, canaryVariant, baselineVariant }',
    ],
    [{ metrics: [] }, 'analysis[0].metrics: list at least one metric'],
    [{ confidence: 0.95 }, 'analysis[0].confidence: must be a percent ≥ 50 and < 100, e.g. 95'],
    [{ confidence: 100 }, 'analysis[0].confidence: must be a percent ≥ 50 and < 100, e.g. 95'],
    [{ thresholds: { pass: 50, marginal: 75 } }, 'analysis[0].thresholds.marginal: must be ≤ pass'],
    [{ thresholds: { pass: 150, marginal: 75 } }, 'analysis[0].thresholds.pass: must be between 0 and 100'],
    [
      { thresholds: { pass: 0, marginal: 0 } },
      'analysis[0].thresholds.pass: must be > 0: a pass at score 0 would pass a canary whose every metric failed',
    ],
    [{ lookbackMinutes: 0 }, 'analysis[0].lookbackMinutes: must be > 0'],
    [{ intervalMinutes: 2000 }, 'analysis[0].intervalMinutes: at most 1440 (a day)'],
    [{ hook: 'yes' }, 'analysis[0].hook: must be true or false'],
    [
      { extra: 1 },
      'analysis[0]: unknown key "extra": remove it, or write one of name, target, metrics, confidence, thresholds, intervalMinutes, lookbackMinutes, hook, mode',
    ],
  ])('refuses %j with a message naming the path', (fields, message) => {
    expect(problems([{ ...codedeployEntry, ...fields }])).toContain(message);
  });

  it.each([
    [{ statistic: 'P99' }, 'statistic: a CloudWatch statistic'],
    [{ statistic: 'avg' }, 'statistic: a CloudWatch statistic'],
    [{ namespace: ':AWS/Lambda' }, 'namespace: must not start with ":"'],
    [{ metricName: '' }, 'metricName: required'],
    [{ worse: 'up' }, 'worse: must be increase, decrease or either'],
    [{ effect: 'mean' }, 'effect: must be hodges-lehmann or median-ratio'],
    [{ allowedChange: -1 }, 'allowedChange: must be ≥ 0 (a percent of the baseline median)'],
    [{ minPoints: 2 }, 'minPoints: must be ≥ 3 (a rank test needs points)'],
    [
      { minPoints: 20 },
      'minPoints: more than lookbackMinutes (15) one-minute points: the metric could never be judged',
    ],
    [{ weight: 0 }, 'weight: must be > 0'],
    [{ critical: 'yes' }, 'critical: must be true or false'],
    [{ canary: { ExecutedVersion: '' } }, 'canary.ExecutedVersion: must not be empty'],
    [
      { canary: { ExecutedVersion: 'v\u00e9' } },
      'canary.ExecutedVersion: printable ASCII with at least one non-blank character',
    ],
    [
      { canary: { ExecutedVersion: '{canaryVersion' } },
      'canary.ExecutedVersion: a "{" or "}" that is not part of a {placeholder}',
    ],
    [
      { canary: { ExecutedVersion: '{canaryVariant}' } },
      'canary.ExecutedVersion: {canaryVariant} is not a placeholder of a Lambda CodeDeploy target; use one of {application}, {deploymentGroup}, {deploymentId}, {function}, {alias}, {canaryVersion}, {baselineVersion}',
    ],
    [
      { canary: {}, baseline: {} },
      'analysis[0].metrics[0]: canary and baseline name the same series: give them different dimensions (canary:, baseline:)',
    ],
    [
      { dimensions: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`D${i}`, 'x'])) },
      'canary: at most 30 dimensions per series (CloudWatch)',
    ],
  ])('refuses the metric field %j with a message naming the path', (fields, message) => {
    const found = problems([metric(fields)]);
    const expected = message.startsWith('analysis[') ? message : `analysis[0].metrics[0].${message}`;
    expect(found.some((p) => p.startsWith(expected))).toBe(true);
  });

  it('refuses an ECS placeholder on a Lambda group, saying to set platform: ecs', () => {
    expect(problems([metric({ canary: { TargetGroup: '{canaryTargetGroup}' } })])).toEqual([
      'analysis[0].metrics[0].canary.TargetGroup: {canaryTargetGroup} is not a placeholder of a Lambda CodeDeploy target (it is an ECS one: set target.codedeploy.platform: ecs if this group deploys to ECS); use one of {application}, {deploymentGroup}, {deploymentId}, {function}, {alias}, {canaryVersion}, {baselineVersion}',
    ]);
  });

  const ecsEntry = {
    name: 'scorer-ecs',
    target: { codedeploy: { application: 'scorer', deploymentGroup: 'live', platform: 'ecs' } },
    metrics: [
      {
        name: 'latency',
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        statistic: 'p99',
        dimensions: { LoadBalancer: '{loadBalancer}' },
        canary: { TargetGroup: '{canaryTargetGroup}' },
        baseline: { TargetGroup: '{baselineTargetGroup}' },
      },
      {
        name: 'errors',
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        statistic: 'Sum',
        dimensions: { LoadBalancer: '{loadBalancer}' },
        canary: { TargetGroup: '{canaryTargetGroup}' },
        baseline: { TargetGroup: '{baselineTargetGroup}' },
      },
      {
        name: 'cpu',
        namespace: 'Custom/ECS',
        metricName: 'CPU',
        statistic: 'Average',
        dimensions: { ClusterName: '{cluster}', ServiceName: '{service}', Group: '{deploymentGroup}' },
        canary: { Side: 'green' },
        baseline: { Side: 'blue' },
      },
    ],
  };

  it('accepts an ECS group naming its target groups, load balancer, cluster and service', () => {
    const policy = withAnalysis([ecsEntry]);
    expect(policy.analysis[0]!.target.codedeploy).toEqual({
      application: 'scorer',
      deploymentGroup: 'live',
      platform: 'ecs',
    });
  });

  it('a CodeDeploy target is a Lambda one unless it says otherwise', () => {
    expect(withAnalysis([codedeployEntry]).analysis[0]!.target.codedeploy!.platform).toBe('lambda');
  });

  it('refuses a Lambda placeholder on an ECS group, saying what an ECS canary is named by', () => {
    const entry = { ...ecsEntry, metrics: [lambdaLatency] };
    expect(problems([entry])).toEqual(
      ['FunctionName', 'Resource']
        .flatMap((dim) =>
          (dim === 'Resource' ? ['function', 'alias'] : ['function']).map(
            (p) =>
              `analysis[0].metrics[0].dimensions.${dim}: {${p}} is not a placeholder of an ECS CodeDeploy target (it is a Lambda one: an ECS deployment has no versions, its canary and baseline are target groups); use one of {application}, {deploymentGroup}, {deploymentId}, {cluster}, {service}, {canaryTargetGroup}, {baselineTargetGroup}, {loadBalancer}`,
          ),
        )
        .concat(
          ['canary.ExecutedVersion: {canaryVersion}', 'baseline.ExecutedVersion: {baselineVersion}'].map(
            (head) =>
              `analysis[0].metrics[0].${head} is not a placeholder of an ECS CodeDeploy target (it is a Lambda one: an ECS deployment has no versions, its canary and baseline are target groups); use one of {application}, {deploymentGroup}, {deploymentId}, {cluster}, {service}, {canaryTargetGroup}, {baselineTargetGroup}, {loadBalancer}`,
          ),
        ),
    );
  });

  it('refuses a platform CodeDeploy canaries are not judged on', () => {
    const entry = { ...ecsEntry, target: { codedeploy: { ...ecsEntry.target.codedeploy, platform: 'server' } } };
    expect(problems([entry])).toContain('analysis[0].target.codedeploy.platform: must be lambda or ecs');
  });

  it('refuses a placeholder of the other target kind on an endpoint', () => {
    const entry = {
      ...endpointEntry,
      metrics: [{ ...endpointEntry.metrics[0], canary: { VariantName: '{canaryVersion}' } }],
    };
    expect(problems([entry])).toEqual([
      'analysis[0].metrics[0].canary.VariantName: {canaryVersion} is not a placeholder of an endpoint; use one of {endpoint}, {canaryVariant}, {baselineVariant}',
    ]);
  });

  it('refuses a target the policy names nowhere, so a FAIL always has something to act on', () => {
    expect(
      problems([{ ...codedeployEntry, target: { codedeploy: { application: 'scorer', deploymentGroup: 'other' } } }]),
    ).toEqual([
      'analysis[0].target.codedeploy: scorer/other is in no rollback binding (codedeploy) or hooks rule: add one so a FAIL can act',
    ]);
    expect(
      problems([
        { ...endpointEntry, target: { endpoint: { name: 'fraud', canaryVariant: 'v2', baselineVariant: 'v1' } } },
      ]),
    ).toEqual([
      'analysis[0].target.endpoint.name: endpoint fraud is in no rollback binding: add one (endpoint: { name: fraud }) so a FAIL can act',
    ]);
  });

  it('accepts a CodeDeploy group that only a hooks rule names (for the application or the group)', () => {
    const target = { codedeploy: { application: 'ranker', deploymentGroup: 'prod' } };
    for (const hooks of [[{ application: 'ranker' }], [{ application: 'ranker', deploymentGroup: 'prod' }]])
      expect(problems([{ ...codedeployEntry, target, hook: true }], { hooks })).toEqual([]);
  });

  it('refuses hook: true on an endpoint (SageMaker has no AfterAllowTraffic hook)', () => {
    expect(problems([{ ...endpointEntry, hook: true }])).toEqual([
      'analysis[0].hook: only a CodeDeploy target has an AfterAllowTraffic hook to answer',
    ]);
  });

  it('refuses canary and baseline variants that are the same', () => {
    expect(
      problems([
        { ...endpointEntry, target: { endpoint: { name: 'churn', canaryVariant: 'v1', baselineVariant: 'v1' } } },
      ]),
    ).toContain('analysis[0].target.endpoint.canaryVariant: must differ from baselineVariant');
  });

  it('refuses duplicate names, duplicate metric names and two entries judging one target', () => {
    expect(problems([codedeployEntry, codedeployEntry])).toEqual([
      'analysis[1].name: duplicate of analysis[0].name',
      'analysis[1].target: analysis[0] already judges this target: a deployment would get two verdicts',
    ]);
    expect(problems([{ ...codedeployEntry, metrics: [lambdaLatency, lambdaLatency] }])).toEqual([
      'analysis[0].metrics[1].name: duplicate of metrics[0].name',
    ]);
  });

  it('refuses a window that one GetMetricData call (100,800 points) cannot return', () => {
    const metrics = Array.from({ length: 40 }, (_, i) => ({ ...lambdaLatency, name: `m${i}` }));
    expect(problems([{ ...codedeployEntry, metrics, lookbackMinutes: 1440 }])).toEqual([
      'analysis[0].lookbackMinutes: metrics × 2 × lookbackMinutes is over the 100800 points one GetMetricData call returns',
    ]);
    expect(problems([{ ...codedeployEntry, metrics, lookbackMinutes: 1260 }])).toEqual([]);
  });

  it('reports a target that is neither kind once, without running the cross-field checks on it', () => {
    expect(problems([{ ...codedeployEntry, target: {} }])).toEqual([
      'analysis[0].target: needs exactly one of codedeploy { application, deploymentGroup } or endpoint { name, canaryVariant, baselineVariant }',
    ]);
  });

  it('finds the placeholders in a dimension value', () => {
    expect(placeholdersIn('{function}:{alias}')).toEqual(['function', 'alias']);
    expect(placeholdersIn('plain')).toEqual([]);
  });
});
