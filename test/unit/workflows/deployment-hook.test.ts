/**
 * The AfterAllowTraffic hook answered with the canary judgment (issue 14, an analysis with
 * `hook: true`): PASS Succeeded, FAIL and NODATA Failed, MARGINAL held for a person.
 */
import { deploymentHook } from '../../../functions/handlers/deployment-hook';
import { loadFixture } from '../../support/fixtures';
import { seedLambdaSeries, type SHAPES } from '../../support/canary-series';
import { P4, rollbackHarness, rollbackPolicy } from '../../support/rollback-harness';

const HOOK_FUNCTION = 'CodeDeployHook_churn-judge';
const hookEvent = () =>
  Object.assign(loadFixture('codedeploy-lifecycle-hook.lambda.powertools'), { DeploymentId: 'd-2' });
const ctx = { getRemainingTimeInMillis: () => 30_000, functionName: HOOK_FUNCTION };

const metric = (name: string, metricName: string) => ({
  name,
  namespace: 'AWS/Lambda',
  metricName,
  statistic: 'Average',
  dimensions: { FunctionName: '{function}', Resource: '{function}:{alias}' },
  canary: { ExecutedVersion: '{canaryVersion}' },
  baseline: { ExecutedVersion: '{baselineVersion}' },
});

function ready(
  options: { latency: keyof typeof SHAPES; hookEvent?: string; withInvocations?: boolean },
  overrides: Parameters<typeof rollbackHarness>[1] = {},
) {
  const policy = rollbackPolicy({
    hooks: [],
    analysis: [
      {
        name: 'churn-canary',
        target: { codedeploy: { application: 'churn-app', deploymentGroup: 'churn-live' } },
        metrics: [
          metric('latency', 'Duration'),
          ...(options.withInvocations ? [metric('invocations', 'Invocations')] : []),
        ],
        // Two equal metrics: one failing is a score of 50, MARGINAL.
        thresholds: { pass: 95, marginal: 50 },
        hook: true,
      },
    ],
  });
  const h = rollbackHarness(policy, overrides);
  h.seedGroup('InProgress');
  const d = h.state.deployments.find((x) => x.id === 'd-2')!;
  d.createTime = h.ago(30);
  d.revision = {
    revisionType: 'AppSpecContent',
    appSpecContent: {
      content: `version: 0.0
Resources:
  - churnPredict:
      Type: AWS::Lambda::Function
      Properties:
        Name: "churn-predict"
        Alias: "live"
        CurrentVersion: "3"
        TargetVersion: "4"
Hooks:
  - ${options.hookEvent ?? 'AfterAllowTraffic'}: "${HOOK_FUNCTION}"
`,
    },
  };
  seedLambdaSeries(h.world, h.clock.t, options.latency);
  if (options.withInvocations) seedLambdaSeries(h.world, h.clock.t, 'noisy but equal', 'Invocations');
  return h;
}

const answers = (h: ReturnType<typeof rollbackHarness>) =>
  h.ops('PutLifecycleEventHookExecutionStatus').map((a) => (a.input as { status: string }).status);
const rejected = (h: ReturnType<typeof rollbackHarness>) =>
  h.ops('UpdateModelPackage').map((a) => (a.input as { ModelPackageArn: string }).ModelPackageArn);

describe('the AfterAllowTraffic hook answers with the canary judgment', () => {
  it.each([
    ['noisy but equal', 'PASS', 'Succeeded', []],
    ['drifting', 'FAIL', 'Failed', [P4]],
    ['starved', 'NODATA', 'Failed', []],
  ] as const)('a %s canary: %s, answered %s, packages rejected: %j', async (shape, outcome, status, packages) => {
    const h = ready({ latency: shape });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx);
    expect(answers(h)).toEqual([status]);
    expect(h.kinds('analysis.judgment').map((d) => [d.subject, d.outcome])).toEqual([['churn-canary/d-2', outcome]]);
    expect(h.kinds('rollback.hook')[0]!.outcome).toBe(status.toUpperCase());
    expect(rejected(h)).toEqual(packages);
    // The judgment names the hook execution its answer's record names: the report joins them on it.
    const hookExecutionId = h.kinds('rollback.hook')[0]!.inputs.hookExecutionId;
    expect(hookExecutionId).toEqual(expect.any(String));
    expect(h.kinds('analysis.judgment')[0]!.inputs).toMatchObject({
      via: 'hook',
      hookExecutionId,
      action: 'answers the AfterAllowTraffic hook',
    });
  });

  it('a FAIL rejects the package as the tick would: after the Failed answer, recorded with the judgment', async () => {
    const h = ready({ latency: 'drifting' });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx);
    expect(h.world.actions.map((a) => a.operation)).toEqual([
      'PutLifecycleEventHookExecutionStatus',
      'UpdateModelPackage',
    ]);
    expect(h.ops('UpdateModelPackage')[0]!.input).toMatchObject({
      ModelPackageArn: P4,
      ModelApprovalStatus: 'Rejected',
    });
    const [record] = h.kinds('rollback.package');
    expect(record).toMatchObject({ subject: 'churn-live/churn-models', outcome: 'REJECTED' });
    expect(record!.reasons[0]).toMatch(
      /^canary judgment FAIL at the AfterAllowTraffic hook of d-2: churn-canary: FAIL/,
    );
  });

  it('the hook and the tick failing the same deployment reject its package once between them', async () => {
    const h = ready({ latency: 'drifting' });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx);
    await h.rollback.tick();
    expect(h.kinds('analysis.judgment').map((d) => d.outcome)).toEqual(['FAIL', 'FAIL']);
    expect(rejected(h)).toEqual([P4]);
  });

  it('a rejection that fails gives its claim back, and the next tick judging the deployment FAIL rejects it', async () => {
    const tried: string[] = [];
    const registry = {
      approval: async () => 'Approved',
      reject: async (arn: string) => {
        tried.push(arn);
        if (tried.length === 1) throw new Error('ThrottlingException: Rate exceeded');
      },
    };
    const h = ready({ latency: 'drifting' }, { packages: registry });
    await expect(deploymentHook(h.hooks, h.logger)(hookEvent(), ctx)).rejects.toThrow('ThrottlingException');
    expect(answers(h)).toEqual(['Failed']);
    await h.rollback.tick();
    expect(tried).toEqual([P4, P4]);
    expect(h.kinds('rollback.package').map((d) => d.outcome)).toEqual(['FAILED', 'REJECTED']);
  });

  it('judges once however often the hook is invoked', async () => {
    const h = ready({ latency: 'drifting' });
    const handle = deploymentHook(h.hooks, h.logger);
    await Promise.all([handle(hookEvent(), ctx), handle(hookEvent(), ctx)]);
    await handle(hookEvent(), ctx);
    expect(answers(h)).toEqual(['Failed']);
    expect(h.kinds('analysis.judgment')).toHaveLength(1);
    expect(h.series.requests).toBe(1);
  });

  it('MARGINAL holds: the hook is left unanswered for a person, and the hold is recorded', async () => {
    const h = ready({ latency: 'drifting', withInvocations: true });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx);
    expect(h.kinds('analysis.judgment').map((d) => d.outcome)).toEqual(['HOLD']);
    expect(answers(h)).toEqual([]);
    expect(h.kinds('rollback.hook').map((d) => d.outcome)).toEqual(['HOLD']);
  });

  it('at BeforeAllowTraffic the canary has served nothing: not judged, and not failed for it', async () => {
    const h = ready({ latency: 'starved', hookEvent: 'BeforeAllowTraffic' });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx);
    expect(h.kinds('analysis.judgment')).toEqual([]);
    expect(answers(h)).toEqual(['Succeeded']);
    expect(h.series.requests).toBe(0);
  });
});
