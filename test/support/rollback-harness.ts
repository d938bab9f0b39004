import { validatePolicy, type Policy } from '../../functions/config/policy';
import { MemoryAlarms } from '../../functions/adapters/memory/alarms';
import { MemoryClaims } from '../../functions/adapters/memory/claims';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { MemoryKillSwitch } from '../../functions/adapters/memory/kill-switch';
import { MemoryDeployments } from '../../functions/adapters/memory/deployments';
import { MemoryEndpoints } from '../../functions/adapters/memory/endpoints';
import { MemoryObjectStore } from '../../functions/adapters/memory/object-store';
import { MemoryPackageStatus } from '../../functions/adapters/memory/package-status';
import { MemoryMetricSeries } from '../../functions/adapters/memory/metric-series';
import { MemoryLambdaAliases, MemoryTaskDefinitions } from '../../functions/adapters/memory/redeploy-facts';
import { MemoryRedeployWatch } from '../../functions/adapters/memory/redeploy-watch';
import { MemoryRollbackStore } from '../../functions/adapters/memory/rollback-store';
import { rollbackWorld } from '../../functions/adapters/memory/rollback-world';
import { MemoryStageControl } from '../../functions/adapters/memory/stage-control';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import type { HookDeps } from '../../functions/workflows/deployment-hook';
import type { RollbackDeps } from '../../functions/workflows/rollback';
import { wireDeploymentHook } from '../../functions/wiring/deployment-hook';
import { wireRollback } from '../../functions/wiring/rollback';
import { wireStageRetry } from '../../functions/wiring/stage-retry';
import { recordingLogger, TestClock } from './memory-harness';
import { policyInput } from './policies';

export const P3 = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3';
export const P4 = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4';

/** A Lambda AppSpec as CodeDeploy stores it for churn-predict's `live` alias (YAML, hooks included). */
export const lambdaAppSpec = (current: string, target: string) => `version: 0.0
Resources:
  - churnPredict:
      Type: AWS::Lambda::Function
      Properties:
        Name: "churn-predict"
        Alias: "live"
        CurrentVersion: "${current}"
        TargetVersion: "${target}"
Hooks:
  - BeforeAllowTraffic: "CodeDeployHook_churn-live"
`;
export const lambdaRevision = (current: string, target: string) => ({
  revisionType: 'AppSpecContent',
  appSpecContent: { content: lambdaAppSpec(current, target) },
});

/** Bindings for the alarms in the real CloudWatch fixtures (ServerCpuTooHigh, ...). */
export const rollbackPolicy = (extra: Record<string, unknown> = {}): Policy =>
  validatePolicy({
    ...policyInput([], { accounts: ['123456789012'], regions: ['us-east-1', 'us-west-2'], manifests: { bucket: 'm' } }),
    rollback: [
      {
        name: 'churn-live',
        alarms: { names: ['ServerCpuTooHigh', 'ServiceAggregatedAlarm'], prefixes: ['TotalNetwork'] },
        codedeploy: { application: 'churn-app', deploymentGroup: 'churn-live' },
        modelPackageGroup: 'churn-models',
        freeze: { pipeline: 'churn-deploy', stage: 'Production', autoUnfreezeAfterOkSeconds: 600 },
      },
      {
        name: 'tagged',
        alarms: { tags: { model: 'ranking' } },
        endpoint: { name: 'MyEndpoint' },
      },
    ],
    hooks: [
      {
        application: 'churn-app',
        alarms: ['ServerCpuTooHigh'],
        smoke: { endpoint: 'churn-endpoint', payload: 's3://m/smoke.json', expectJsonKeys: ['predictions'] },
      },
    ],
    stageRetry: [{ pipeline: 'myPipeline', stages: ['Deploy'], maxAttempts: 2, delaySeconds: 30 }],
    ...extra,
  });

export function rollbackHarness(policy: Policy = rollbackPolicy(), overrides: Partial<RollbackDeps & HookDeps> = {}) {
  const clock = new TestClock(Date.parse('2026-11-22T10:00:00Z'));
  const world = new MemoryWorld(clock);
  const state = rollbackWorld(world);
  // The switch guardrails around these workflows use: their commits are held to it.
  const killSwitch = new MemoryKillSwitch();
  const decisions = new MemoryDecisionLog(clock, { killSwitch });
  const store = new MemoryRollbackStore();
  const { logger, lines } = recordingLogger();
  const endpoints = new MemoryEndpoints(world);
  const { policy: p = policy, clock: c = clock, logger: l = logger, ...portOverrides } = overrides;
  const wiring = { policy: p, clock: c, logger: l };
  const common = {
    decisions,
    deployments: new MemoryDeployments(world),
    alarms: new MemoryAlarms(world),
    packages: new MemoryPackageStatus(world),
  };
  const redeploys = new MemoryRedeployWatch();
  const series = new MemoryMetricSeries(world);
  const rollback = wireRollback(
    {
      ...common,
      store,
      endpoints,
      stages: new MemoryStageControl(world),
      lambdaAliases: new MemoryLambdaAliases(world),
      taskDefinitions: new MemoryTaskDefinitions(world),
      redeploys,
      series,
      ...portOverrides,
    },
    wiring,
  );
  const hooks = wireDeploymentHook(
    {
      ...common,
      invoker: endpoints,
      objects: new MemoryObjectStore(world),
      claims: new MemoryClaims(clock),
      series,
      ...portOverrides,
    },
    wiring,
  );
  const stageRetry = wireStageRetry(
    { stages: new MemoryStageControl(world), store, decisions, ...portOverrides },
    wiring,
  );
  const ago = (minutes: number) => new Date(clock.t - minutes * 60_000).toISOString();
  /**
   * churn-app/churn-live, a Lambda group: package 3 (version 3 of churn-predict) succeeded two days
   * ago; package 4 (version 4) `latest`, InProgress or Succeeded (then the alias serves 4).
   */
  const seedGroup = (latest: 'InProgress' | 'Succeeded') => {
    state.applications.set('churn-app', new Set(['churn-live']));
    state.deployments.push(
      {
        id: 'd-1',
        application: 'churn-app',
        group: 'churn-live',
        status: 'Succeeded',
        createTime: ago(2880),
        description: `model ${P3}`,
        computePlatform: 'Lambda',
        revision: lambdaRevision('2', '3'),
      },
      {
        id: 'd-2',
        application: 'churn-app',
        group: 'churn-live',
        status: latest,
        createTime: ago(5),
        description: `model ${P4}`,
        computePlatform: 'Lambda',
        revision: lambdaRevision('3', '4'),
      },
    );
    state.aliases.set('churn-predict:live', latest === 'Succeeded' ? '4' : '3');
    state.packages.set(P3, 'Approved');
    state.packages.set(P4, 'Approved');
  };
  const ops = (operation?: string) => world.actions.filter((a) => !operation || a.operation === operation);
  const kinds = (kind: string) => decisions.decisions.filter((d) => d.kind === kind);
  return {
    clock,
    world,
    state,
    decisions,
    killSwitch,
    store,
    logger,
    logs: lines,
    rollback,
    redeploys,
    series,
    hooks,
    stageRetry,
    seedGroup,
    ops,
    kinds,
    ago,
  };
}
