/**
 * The gates' part of `simulate`: scenario world entries (model packages, approval actions, reports
 * the role may not read), the `gate` step, event routing, and timeline text. simulate.ts calls these.
 */
import * as z from 'zod';
import type { Policy } from '../config/policy';
import { METRIC_SOURCES } from '../config/policy-gates';
import { MemoryPipelineApprovals } from '../adapters/memory/approvals';
import { MemoryClaims } from '../adapters/memory/claims';
import { gatesState } from '../adapters/memory/gates-world';
import { MemoryMetricReports } from '../adapters/memory/metric-reports';
import { MemoryModelRegistry } from '../adapters/memory/model-registry';
import { MemoryNotifier } from '../adapters/memory/notifier';
import { MemoryWorld, type Action } from '../adapters/memory/world';
import { approvalRequested } from '../handlers/approval-requested';
import { modelRegistered } from '../handlers/model-registered';
import type { Clock } from '../ports/clock';
import type { Decision, DecisionLog } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import type { ModelPackage } from '../ports/model-registry';
import { wireGates } from '../wiring/gates';
import type { Guardrails } from '../guardrails';
import type { Where } from './envelopes';
import * as gateEnvelopes from './gate-envelopes';

const reportSource = z.enum(METRIC_SOURCES.filter((s) => s !== 'CustomerMetadataProperties') as [string, ...string[]]);

const modelPackage = z.strictObject({
  group: z.string(),
  version: z.number().int().positive(),
  status: z.enum(['PendingManualApproval', 'Approved', 'Rejected']).default('PendingManualApproval'),
  /** ISO time; default: the simulated clock when seeded. */
  created: z.string().optional(),
  /** Report source → s3:// URI (its body is a `world.objects` entry, or missing on purpose). */
  reports: z.partialRecord(reportSource, z.string()).default({}),
  metadata: z.record(z.string(), z.string()).default({}),
});

const approval = z.strictObject({
  pipeline: z.string(),
  stage: z.string(),
  action: z.string(),
  executionId: z.string(),
  token: z.string(),
  variables: z.record(z.string(), z.string()).default({}),
  /** GetPipelineState reads that do not show the token yet. */
  hiddenReads: z.number().int().nonnegative().default(0),
});

export const gatesWorldFields = {
  modelPackages: z.array(modelPackage).default([]),
  approvals: z.array(approval).default([]),
  /** Objects whose GET is AccessDenied. */
  denied: z.array(z.strictObject({ bucket: z.string(), key: z.string() })).default([]),
};

export const gateStep = z.strictObject({
  /** Registers a package (pending unless stated) and delivers its "Model Package State Change". */
  register: modelPackage.optional(),
  /** An approval action starts: it waits in the world, and its event is delivered. */
  approval: approval.extend({ via: z.enum(['eventbridge', 'sns']).default('eventbridge') }).optional(),
  /** A person sets a package's status in the console (no event, no controller action). */
  person: z
    .strictObject({ group: z.string(), version: z.number().int().positive(), status: z.enum(['Approved', 'Rejected']) })
    .optional(),
});

type Handler = (event: unknown) => Promise<unknown>;
type Delivery = { handler: Handler; event: unknown; label: string };

export const packageArn = (region: string, account: string, group: string, version: number): string =>
  `arn:aws:sagemaker:${region}:${account}:model-package/${group}/${version}`;

export function seedPackage(
  world: MemoryWorld,
  p: z.output<typeof modelPackage>,
  where: { region: string; account: string },
): ModelPackage {
  const pkg: ModelPackage = {
    arn: packageArn(where.region, where.account, p.group, p.version),
    group: p.group,
    version: p.version,
    status: p.status,
    createdAt: p.created ?? world.clock.now().toISOString(),
    reports: Object.fromEntries(Object.entries(p.reports).map(([source, s3Uri]) => [source, { s3Uri }])),
    customerMetadata: { ...p.metadata },
  };
  gatesState(world).packages.set(pkg.arn, pkg);
  return pkg;
}

export function seedGatesWorld(
  world: MemoryWorld,
  seed: {
    modelPackages: Array<z.output<typeof modelPackage>>;
    approvals: Array<z.output<typeof approval>>;
    denied: Array<{ bucket: string; key: string }>;
  },
  where: { region: string; account: string },
): void {
  for (const p of seed.modelPackages) seedPackage(world, p, where);
  for (const a of seed.approvals) gatesState(world).approvals.push({ ...a, status: 'InProgress' });
  for (const d of seed.denied) gatesState(world).denied.add(MemoryWorld.objectKey(d.bucket, d.key));
}

export function gateHandlers(
  policy: Policy,
  world: MemoryWorld,
  decisions: DecisionLog,
  clock: Clock,
  logger: Logger,
  guardrails?: Guardrails,
) {
  const gates = wireGates(
    {
      registry: new MemoryModelRegistry(world),
      reports: new MemoryMetricReports(world),
      notifier: new MemoryNotifier(world),
      approvals: new MemoryPipelineApprovals(world),
      claims: new MemoryClaims(clock),
      decisions,
    },
    { policy, clock, logger, guardrails },
  );
  return {
    registry: modelRegistered(gates, logger) as Handler,
    approval: approvalRequested(gates, logger) as Handler,
  };
}

/** The events a `gate` step delivers (and the world changes it makes first). */
export function gateStepEvents(
  world: MemoryWorld,
  step: z.output<typeof gateStep>,
  handlers: ReturnType<typeof gateHandlers>,
  where: () => Where,
  timeline: string[],
): Delivery[] {
  const out: Delivery[] = [];
  const w0 = where();
  if (step.register) {
    const pkg = seedPackage(world, step.register, w0);
    out.push({
      handler: handlers.registry,
      event: gateEnvelopes.modelPackageEvent({ ...pkg, version: step.register.version, status: pkg.status }, w0),
      label: `model package ${pkg.group}/${pkg.version} registered`,
    });
  }
  if (step.approval) {
    const { via, ...a } = step.approval;
    gatesState(world).approvals.push({ ...a, status: 'InProgress' });
    out.push({
      handler: handlers.approval,
      event:
        via === 'sns'
          ? gateEnvelopes.approvalNotificationEvent(gateEnvelopes.approvalMessage(a, w0), w0)
          : gateEnvelopes.approvalStartedEvent(a, w0),
      label: `approval ${a.pipeline}/${a.stage}/${a.action} started (${via})`,
    });
  }
  if (step.person) {
    const { group, version, status } = step.person;
    const pkg = [...gatesState(world).packages.values()].find((p) => p.group === group && p.version === version);
    if (pkg) {
      pkg.status = status;
      timeline.push(
        `${world.clock.now().toISOString().slice(11, 19)}    ☺ a person sets ${group}/${version} to ${status} in the console`,
      );
    }
  }
  return out;
}

/** Which gate handler takes an event file delivered by a scenario step, if any. */
export function routeGateEvent(
  event: Record<string, unknown>,
  handlers: ReturnType<typeof gateHandlers>,
  where: () => Where,
): Delivery | undefined {
  if (event.source === 'aws.sagemaker' && event['detail-type'] === 'SageMaker Model Package State Change')
    return { handler: handlers.registry, event, label: 'model package state change' };
  if (event.source === 'aws.codepipeline' && event['detail-type'] === 'CodePipeline Action Execution State Change')
    return { handler: handlers.approval, event, label: 'action execution state change' };
  // The manual-approval notification body: delivered as SNS delivers it.
  if (typeof event.approval === 'object' && event.approval !== null)
    return {
      handler: handlers.approval,
      event: gateEnvelopes.approvalNotificationEvent(event, where()),
      label: 'approval notification (SNS)',
    };
  return undefined;
}

export function describeGateAction(a: Pick<Action, 'operation' | 'input'>): string | undefined {
  const i = a.input as Record<string, unknown>;
  if (a.operation === 'UpdateModelPackage')
    return `${String(i.ModelPackageArn).split(':model-package/')[1]} → ${i.ModelApprovalStatus}`;
  if (a.operation === 'PutApprovalResult') {
    const result = i.result as { status: string };
    return `${i.pipelineName}/${i.stageName}/${i.actionName} → ${result.status}`;
  }
  if (a.operation === 'Publish') return `${String(i.TopicArn).split(':').at(-1)}: ${i.Subject}`;
  return undefined;
}

export function gatesSummary(decisions: readonly Decision[]): string[] {
  const gateDecisions = decisions.filter((d) => d.kind === 'gate.registry' || d.kind === 'gate.approval');
  if (gateDecisions.length === 0) return [];
  const count = (outcome: string) => gateDecisions.filter((d) => d.outcome === outcome).length;
  return [
    `  gate decisions: ${count('APPROVE')} approved, ${count('REJECT')} rejected, ${count('HOLD')} held, ${count('SKIPPED')} skipped (already decided)`,
  ];
}
