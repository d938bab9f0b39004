import { validatePolicy, type Policy } from '../../functions/config/policy';
import { MemoryPipelineApprovals } from '../../functions/adapters/memory/approvals';
import { MemoryClaims } from '../../functions/adapters/memory/claims';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { gatesState } from '../../functions/adapters/memory/gates-world';
import { MemoryMetricReports } from '../../functions/adapters/memory/metric-reports';
import { MemoryModelRegistry } from '../../functions/adapters/memory/model-registry';
import { MemoryNotifier } from '../../functions/adapters/memory/notifier';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { approvalRequested } from '../../functions/handlers/approval-requested';
import { modelRegistered } from '../../functions/handlers/model-registered';
import { Guardrails } from '../../functions/guardrails';
import type { KillSwitch } from '../../functions/ports/kill-switch';
import type { ModelPackage } from '../../functions/ports/model-registry';
import type { GateDeps } from '../../functions/workflows/gates';
import { wireGates } from '../../functions/wiring/gates';
import { TestClock, recordingLogger } from './memory-harness';
import { testController } from './policies';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ml-approvals`;
export const BUCKET = 'reports';

/** A gate on `churn-models`: AUC absolute + relative (critical), recall relative (warning). */
export const gateInput = (fields: Record<string, unknown> = {}) => ({
  name: 'churn-quality',
  modelPackageGroup: 'churn-models',
  reportBuckets: [BUCKET],
  notifyTopicArn: TOPIC,
  checks: [
    {
      metric: 'auc',
      from: 'ModelQuality.Statistics',
      path: 'binary_classification_metrics.auc.value',
      min: 0.75,
      direction: 'higher',
      maxDegradation: 0.01,
    },
    {
      metric: 'recall',
      from: 'ModelQuality.Statistics',
      path: 'binary_classification_metrics.recall.value',
      severity: 'warning',
      direction: 'higher',
      maxDegradationPct: 5,
    },
  ],
  approvals: [
    { pipeline: 'churn-deploy', stage: 'Approval', action: 'QualityGate', package: { variable: 'MODEL_PACKAGE_ARN' } },
  ],
  ...fields,
});

export const gatesPolicy = (...gates: unknown[]): Policy =>
  validatePolicy({ version: 1, controller: testController, gates: gates.length ? gates : [gateInput()] });

export const arnOf = (group: string, version: number) =>
  `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/${version}`;

export const report = (auc: unknown, recall: unknown = 0.7) =>
  JSON.stringify({ binary_classification_metrics: { auc: { value: auc }, recall: { value: recall } } });

/** `killSwitch`: the gates run inside the guardrails (observe mode, the switch) as the functions do. */
export function gatesHarness(
  policy: Policy = gatesPolicy(),
  overrides: Partial<GateDeps> = {},
  options: { killSwitch?: KillSwitch } = {},
) {
  const clock = new TestClock();
  const world = new MemoryWorld(clock);
  const decisions = new MemoryDecisionLog(clock, options.killSwitch ? { killSwitch: options.killSwitch } : {});
  const { logger, lines } = recordingLogger();
  const registry = new MemoryModelRegistry(world);
  const deps: GateDeps = {
    policy,
    registry,
    reports: new MemoryMetricReports(world),
    notifier: new MemoryNotifier(world),
    approvals: new MemoryPipelineApprovals(world),
    claims: new MemoryClaims(clock),
    decisions,
    clock,
    logger,
    ...overrides,
  };
  const { policy: p, clock: c, logger: l, ...ports } = deps;
  const guardrails = options.killSwitch
    ? new Guardrails({ policy: p, killSwitch: options.killSwitch, logger: l, clock: c })
    : undefined;
  const gates = wireGates(ports, { policy: p, clock: c, logger: l, ...(guardrails ? { guardrails } : {}) });
  const state = gatesState(world);

  /** A package in the world; `auc`/`recall` write its report unless `reportBody` says otherwise. */
  const addPackage = (
    version: number,
    fields: Partial<ModelPackage> & { auc?: unknown; recall?: unknown; reportBody?: string | null } = {},
  ): ModelPackage => {
    const { auc, recall, reportBody, ...rest } = fields;
    const key = `eval/churn-models/${version}.json`;
    const body = reportBody === undefined ? report(auc ?? 0.8, recall ?? 0.7) : reportBody;
    if (body !== null) world.putObject(BUCKET, key, body);
    const pkg: ModelPackage = {
      arn: arnOf('churn-models', version),
      group: 'churn-models',
      version,
      status: 'PendingManualApproval',
      createdAt: new Date(Date.UTC(2026, 10, version)).toISOString(),
      reports: { 'ModelQuality.Statistics': { s3Uri: `s3://${BUCKET}/${key}` } },
      customerMetadata: {},
      ...rest,
    };
    state.packages.set(pkg.arn, pkg);
    return pkg;
  };

  return {
    clock,
    world,
    state,
    decisions,
    lines,
    deps,
    gates,
    addPackage,
    registryHandler: modelRegistered(gates, logger),
    approvalHandler: approvalRequested(gates, logger),
    actions: (operation?: string) => world.actions.filter((a) => !operation || a.operation === operation),
    gateDecisions: () => decisions.decisions.filter((d) => d.kind.startsWith('gate.')),
  };
}
