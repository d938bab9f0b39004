/**
 * Live canary judgment on the rollback tick (issue 14): a Lambda canary judged against its baseline
 * on ExecutedVersion series, once per interval, with FAIL rolling back as an alarm would.
 */
import { MemoryDeployments } from '../../../../functions/adapters/memory/deployments';
import { metricWorld } from '../../../../functions/adapters/memory/metric-series';
import { AwsCallError } from '../../../../functions/domain/errors';
import type { Deployments } from '../../../../functions/ports/deployments';
import { noise, seedLambdaSeries, SHAPES } from '../../../support/canary-series';
import { rollbackHarness, rollbackPolicy, P3, P4, lambdaRevision } from '../../../support/rollback-harness';
import { variantLatencyMetric } from '../../../support/canary-moto';

const ANALYSIS = {
  name: 'churn-canary',
  target: { codedeploy: { application: 'churn-app', deploymentGroup: 'churn-live' } },
  metrics: [
    {
      name: 'latency',
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      statistic: 'Average',
      dimensions: { FunctionName: '{function}', Resource: '{function}:{alias}' },
      canary: { ExecutedVersion: '{canaryVersion}' },
      baseline: { ExecutedVersion: '{baselineVersion}' },
      critical: true,
    },
  ],
  intervalMinutes: 5,
  lookbackMinutes: 15,
};

function setup(
  options: { mode?: 'observe'; shape: keyof typeof SHAPES; intervalMinutes?: number },
  overrides: Parameters<typeof rollbackHarness>[1] = {},
) {
  const policy = rollbackPolicy({
    analysis: [
      {
        ...ANALYSIS,
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.intervalMinutes ? { intervalMinutes: options.intervalMinutes } : {}),
      },
    ],
  });
  const h = rollbackHarness(policy, overrides);
  const { state, world, clock } = h;
  state.applications.set('churn-app', new Set(['churn-live']));
  state.deployments.push(
    {
      id: 'd-1',
      application: 'churn-app',
      group: 'churn-live',
      status: 'Succeeded',
      createTime: h.ago(2880),
      computePlatform: 'Lambda',
      revision: lambdaRevision('2', '3'),
    },
    {
      id: 'd-2',
      application: 'churn-app',
      group: 'churn-live',
      status: 'InProgress',
      createTime: h.ago(30),
      description: `model ${P4}`,
      computePlatform: 'Lambda',
      revision: lambdaRevision('3', '4'),
    },
  );
  state.packages.set(P4, 'Approved');
  seedLambdaSeries(world, clock.t, options.shape);
  return h;
}

const judgments = (h: ReturnType<typeof setup>) => h.kinds('analysis.judgment');

describe('canary judgment on the rollback tick', () => {
  it('a drifting canary FAILs: its deployment is stopped and its package rejected, as an alarm would', async () => {
    const h = setup({ shape: 'drifting' });
    await h.rollback.tick();
    const [j] = judgments(h);
    expect(j).toMatchObject({ subject: 'churn-canary/d-2', outcome: 'FAIL' });
    expect(j!.reasons[0]).toMatch(/^FAIL: critical metric latency failed/);
    expect(j!.inputs).toMatchObject({
      window: { start: '2026-11-22T09:45:00.000Z', end: '2026-11-22T10:00:00.000Z' },
      verdict: 'FAIL',
      // What the report shows without the policy: the target, the thresholds and what was done.
      target: ANALYSIS.target,
      thresholds: { pass: 95, marginal: 75 },
      via: 'tick',
      binding: 'churn-live',
      action: 'rolling back as an alarm on binding churn-live would',
    });
    expect(j!.reasons.at(-1)).toBe((j!.inputs as { action: string }).action);
    expect(h.ops('StopDeployment').map((a) => a.input)).toEqual([{ deploymentId: 'd-2', autoRollbackEnabled: true }]);
    expect(h.ops('UpdateModelPackage').map((a) => a.input)).toMatchObject([
      { ModelPackageArn: P4, ModelApprovalStatus: 'Rejected' },
    ]);
    expect(h.kinds('rollback.codedeploy')[0]!.reasons[0]).toBe(
      'canary judgment churn-canary FAIL over the interval ending 2026-11-22T10:00:00.000Z',
    );
    // One GetMetricData request for the judgment.
    expect(h.series.requests).toBe(1);
  });

  it('a noisy but equal canary PASSes and continues', async () => {
    const h = setup({ shape: 'noisy but equal' });
    await h.rollback.tick();
    expect(judgments(h).map((d) => d.outcome)).toEqual(['PASS']);
    expect(h.ops()).toEqual([]);
  });

  it('a starved canary is NODATA: no pass, no rollback', async () => {
    const h = setup({ shape: 'starved' });
    await h.rollback.tick();
    const [j] = judgments(h);
    expect(j!.outcome).toBe('NODATA');
    expect(j!.reasons).toContain('latency NODATA critical: canary 4 points, baseline 15, at least 10 each needed');
    expect(h.ops()).toEqual([]);
  });

  it('judges an interval once however many ticks reach it, in turn or at once', async () => {
    const h = setup({ shape: 'drifting' });
    await h.rollback.tick();
    await h.rollback.tick();
    await Promise.all([h.rollback.tick(), h.rollback.tick()]);
    expect(judgments(h)).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    // The ticks after the first find the interval's claim taken and read no series.
    expect(h.series.requests).toBe(1);
  });

  it('an interval longer than the tick costs one GetMetricData, however many ticks fall in it', async () => {
    const h = setup({ shape: 'noisy but equal', intervalMinutes: 15 });
    for (let minute = 0; minute < 15; minute++) {
      await h.rollback.tick();
      h.clock.advance(60);
    }
    expect(judgments(h).map((d) => d.outcome)).toEqual(['PASS']);
    expect(h.series.requests).toBe(1);
    // 10:15: the next interval is read and judged.
    await h.rollback.tick();
    expect(judgments(h)).toHaveLength(2);
    expect(h.series.requests).toBe(2);
  });

  it('an interval whose rollback failed gives its claim back: the next tick reads and judges it again', async () => {
    // The memory deployments need the harness's world: bound once the harness exists.
    const late: { real?: MemoryDeployments } = {};
    let failures = 1;
    const flaky = new Proxy({} as Deployments, {
      get: (_, name: keyof Deployments) =>
        name === 'stop'
          ? async (id: string) => {
              if (failures-- > 0)
                throw new AwsCallError('codedeploy', 'StopDeployment', new Error('ThrottlingException'));
              return late.real!.stop(id);
            }
          : late.real![name].bind(late.real),
    });
    const h = setup({ shape: 'drifting' }, { deployments: flaky });
    late.real = new MemoryDeployments(h.world);
    await expect(h.rollback.tick()).rejects.toThrow(/StopDeployment failed/);
    await h.rollback.tick();
    expect(h.series.requests).toBe(2);
    // The first judgment's record says its rollback failed; the second acted.
    expect(judgments(h).map((d) => d.outcome)).toEqual(['FAILED', 'FAIL']);
    expect(h.ops('StopDeployment').map((a) => a.input)).toEqual([{ deploymentId: 'd-2', autoRollbackEnabled: true }]);
  });

  it('concurrent first ticks make one decision and one rollback', async () => {
    const h = setup({ shape: 'drifting' });
    await Promise.all([h.rollback.tick(), h.rollback.tick(), h.rollback.tick()]);
    expect(judgments(h)).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage')).toHaveLength(1);
  });

  it('the next interval is judged again', async () => {
    const h = setup({ shape: 'noisy but equal' });
    await h.rollback.tick();
    h.clock.advance(5 * 60);
    await h.rollback.tick();
    expect(judgments(h).map((d) => (d.inputs as { window: { end: string } }).window.end)).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:05:00.000Z',
    ]);
  });

  it('an analysis in observe mode records the FAIL and rolls nothing back', async () => {
    const h = setup({ shape: 'drifting', mode: 'observe' });
    await h.rollback.tick();
    const [j] = judgments(h);
    expect(j!.outcome).toBe('FAIL');
    expect(j!.reasons.at(-1)).toBe('observe mode (analysis churn-canary): no rollback');
    expect(h.ops()).toEqual([]);
  });

  it('a deployment created after the last interval boundary waits: nothing is read or recorded', async () => {
    const h = setup({ shape: 'drifting' });
    h.clock.advance(120);
    h.state.deployments.find((d) => d.id === 'd-2')!.createTime = h.ago(1);
    await h.rollback.tick();
    expect(judgments(h)).toEqual([]);
    expect(h.series.requests).toBe(0);
  });

  it('no deployment in flight: nothing to judge', async () => {
    const h = setup({ shape: 'drifting' });
    h.state.deployments.find((d) => d.id === 'd-2')!.status = 'Succeeded';
    await h.rollback.tick();
    expect(judgments(h)).toEqual([]);
  });
});

describe('canary judgment of an endpoint’s two variants', () => {
  const policy = () =>
    rollbackPolicy({
      rollback: [
        {
          name: 'endpoint-live',
          alarms: { names: ['ServerCpuTooHigh'] },
          endpoint: { name: 'churn-endpoint' },
          modelPackageGroup: 'churn-models',
        },
      ],
      analysis: [
        {
          name: 'churn-ab',
          target: { endpoint: { name: 'churn-endpoint', canaryVariant: 'challenger', baselineVariant: 'champion' } },
          metrics: [{ ...variantLatencyMetric, critical: true }],
        },
      ],
    });

  function endpointSetup(shape: keyof typeof SHAPES, status = 'InService') {
    const h = rollbackHarness(policy());
    h.state.endpoints.set('churn-endpoint', { name: 'churn-endpoint', status, config: 'cfg-ab' });
    h.state.configPackages.set('cfg-ab', P4);
    h.state.packages.set(P4, 'Approved');
    const r = noise(9);
    for (let i = 0; i < 30; i++) {
      const at = new Date(h.clock.t - (30 - i) * 60_000 + 5_000);
      const put = (variant: string, value: number) =>
        metricWorld(h.world).put({
          namespace: 'AWS/SageMaker',
          metricName: 'ModelLatency',
          dimensions: { EndpointName: 'churn-endpoint', VariantName: variant },
          at,
          value,
        });
      put('champion', SHAPES[shape]!.baseline(i, r));
      put('challenger', SHAPES[shape]!.canary(i, r));
    }
    return h;
  }

  it('a drifting challenger FAILs: the endpoint returns to its last good config and the package is rejected', async () => {
    const h = endpointSetup('drifting');
    h.state.configPackages.set('cfg-champion', P3);
    await h.store.recordInService('churn-endpoint', { config: 'cfg-champion', at: h.ago(600), modelPackageArn: P3 });
    await h.store.recordInService('churn-endpoint', { config: 'cfg-ab', at: h.ago(60), modelPackageArn: P4 });
    await h.rollback.tick();
    expect(judgments(h).map((d) => [d.subject, d.outcome])).toEqual([['churn-ab/cfg-ab', 'FAIL']]);
    expect(h.ops('UpdateEndpoint').map((a) => a.input)).toMatchObject([
      { EndpointName: 'churn-endpoint', EndpointConfigName: 'cfg-champion' },
    ]);
    expect(h.ops('UpdateModelPackage').map((a) => a.input)).toMatchObject([{ ModelPackageArn: P4 }]);
  });

  it('equal variants PASS and nothing changes', async () => {
    const h = endpointSetup('noisy but equal');
    await h.rollback.tick();
    expect(judgments(h).map((d) => d.outcome)).toEqual(['PASS']);
    expect(h.ops()).toEqual([]);
  });

  it('an endpoint that is updating is not judged', async () => {
    const h = endpointSetup('drifting', 'Updating');
    await h.rollback.tick();
    expect(judgments(h)).toEqual([]);
    expect(h.series.requests).toBe(0);
  });
});
