import type { Policy } from '../../config/policy';
import type { RollbackBinding } from '../../config/policy-rollback';
import type { AlarmChange } from '../../parsing/alarm';
import type { Alarms } from '../../ports/alarms';
import type { Clock } from '../../ports/clock';
import type { Decision, DecisionLog, PlannedWrite } from '../../ports/decision-log';
import type { Deployments } from '../../ports/deployments';
import type { DeploymentTargets, TargetGroups } from '../../ports/ecs-traffic';
import type { Endpoints } from '../../ports/endpoints';
import type { Logger } from '../../ports/logger';
import type { MetricSeries } from '../../ports/metric-series';
import type { PackageStatus } from '../../ports/package-status';
import type { LambdaAliases, TaskDefinitions } from '../../ports/redeploy-facts';
import type { RedeployWatch } from '../../ports/redeploy-watch';
import type { RetrainRequests } from '../../ports/retrain-requests';
import type { IncidentFindings, RollbackStore } from '../../ports/rollback-store';
import type { StageControl } from '../../ports/stage-control';
import { EcsTraffic } from '../ecs-traffic';
import { Recorder } from '../recorder';
import { Redeploys } from '../redeploy-follow';

export interface RollbackDeps {
  policy: Policy;
  store: RollbackStore;
  deployments: Deployments;
  endpoints: Endpoints;
  alarms: Alarms;
  stages: StageControl;
  packages: PackageStatus;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
  /** For bindings that retrain instead of rolling back: the sweeper starts what is requested here. */
  retrainRequests?: RetrainRequests;
  /** A redeploy after the bake reads these per compute platform, and follows what it created. */
  lambdaAliases?: LambdaAliases;
  taskDefinitions?: TaskDefinitions;
  redeploys?: RedeployWatch;
  /** Canary and baseline series of the policy's analyses, judged on the tick (judge.ts). */
  series?: MetricSeries;
  /** An ECS analysis reads each deployment's Green and Blue target groups through these. */
  deploymentTargets?: DeploymentTargets;
  targetGroups?: TargetGroups;
}

/** What every rollback use case (alarm, its steps, endpoint, freeze, tick) works with. */
export interface RollbackFlow extends RollbackDeps {
  recorder: Recorder;
  now(): Date;
  /** The per-platform redeploy and its follow-up (functions/workflows/redeploy-follow.ts). */
  redeploy: Redeploys;
  /** ECS deployments' target groups, remembered per deployment for this instance's later ticks. */
  ecsTraffic: EcsTraffic;
}

export function rollbackFlow(deps: RollbackDeps): RollbackFlow {
  const recorder = new Recorder(deps, 'rollback.ignore');
  return {
    ...deps,
    recorder,
    now: () => deps.clock.now(),
    redeploy: new Redeploys(deps, recorder),
    ecsTraffic: new EcsTraffic(deps.deploymentTargets, deps.targetGroups),
  };
}

/**
 * One alarm episode of one binding (binding, alarm, the time it entered ALARM) and what its rollback
 * steps found: the bad versions and the packages they served, this delivery's own or, for a target
 * whose plan is now "nothing to roll back", those an earlier delivery kept with the incident.
 */
export interface Incident {
  id: string;
  found: IncidentFindings[];
  /** The incident's kept findings, read at most once per delivery and only when a plan needs them. */
  kept?: Promise<IncidentFindings[]>;
}

/**
 * A rollback claim whose owner neither finished nor gave it back for this long is taken over (its
 * owner crashed). The domain makes a late takeover harmless: a rollback deployment or a restored
 * config is never rolled back.
 */
const CLAIM_SECONDS = 5 * 60;

/**
 * The claim of one rollback step or rejection per (target, bad version): shared with the hook's
 * rejection (workflows/deployment-hook.ts), so a package the tick's judgment or an alarm rejected
 * is not rejected again by the hook, nor the other way round.
 */
export const rollbackClaim = (target: string, version: string, keepSeconds?: number) => ({
  key: `ROLLBACK#${target}#${version}`,
  ttlSeconds: CLAIM_SECONDS,
  ...(keepSeconds !== undefined ? { keepSeconds } : {}),
});

/** Short on purpose: it goes into decisions, CodeDeploy descriptions and approval descriptions. */
export function reasonText(change: AlarmChange): string {
  if (change.via === 'operator') return `rollback asked by ${change.by} at ${change.since}: ${change.reason}`;
  if (change.via === 'judgment') return `canary judgment ${change.name} FAIL over the interval ending ${change.since}`;
  return `alarm ${change.name} in ALARM since ${change.since}`;
}

/**
 * Commits `decision` as the one for (target, version): its record and its claim are one write,
 * made before `work`. A failed `work` marks the record failed and gives the claim back, so the
 * retried delivery acts. False, with nothing written, when another delivery holds the claim.
 */
export async function once(
  flow: RollbackFlow,
  target: string,
  version: string,
  decision: Omit<Decision, 'at'>,
  planned: PlannedWrite[],
  work: () => Promise<unknown>,
  keepSeconds?: number,
): Promise<boolean> {
  const committed = await flow.recorder.commit(decision, rollbackClaim(target, version, keepSeconds), planned);
  if (!committed) return false;
  try {
    await work();
  } catch (error) {
    await committed.fail(error).catch(() => undefined);
    throw error;
  }
  await committed.done();
  return true;
}

/**
 * Counts what a rollback step found for the rejection and, before the step acts, keeps it with
 * the incident for a retry; a binding that rejects nothing needs no such write.
 */
export async function found(
  flow: RollbackFlow,
  binding: RollbackBinding,
  incident: Incident,
  findings: IncidentFindings,
): Promise<void> {
  incident.found.push(findings);
  if (binding.modelPackageGroup) await flow.store.recordFindings(incident.id, findings);
}

/** What an earlier delivery of this incident found for `target`, when this delivery's plan finds nothing. */
async function foundEarlier(
  flow: RollbackFlow,
  binding: RollbackBinding,
  incident: Incident,
  target: string,
): Promise<IncidentFindings | undefined> {
  // Only bindings that reject keep findings (see `found`).
  if (!binding.modelPackageGroup) return undefined;
  incident.kept ??= flow.store.findings(incident.id);
  const earlier = (await incident.kept).find((f) => f.target === target);
  if (earlier) incident.found.push(earlier);
  return earlier;
}

/**
 * The plan finds nothing to roll back. If an earlier delivery of this incident rolled the target
 * back, that is why (its findings still count for the rejection); otherwise there was nothing.
 */
export async function nothingNow(
  flow: RollbackFlow,
  binding: RollbackBinding,
  base: { kind: string; subject: string },
  change: AlarmChange,
  incident: Incident,
  target: string,
  reason: string,
  inputs: Record<string, unknown>,
): Promise<void> {
  const earlier = await foundEarlier(flow, binding, incident, target);
  await flow.recorder.record({
    ...base,
    outcome: earlier ? 'ALREADY_ROLLED_BACK' : 'NOTHING_TO_ROLL_BACK',
    reasons: [
      reasonText(change),
      ...(earlier ? [`an earlier delivery of this alarm episode acted on ${earlier.version}`] : []),
      reason,
    ],
    inputs: { ...inputs, ...(earlier ? { version: earlier.version } : {}) },
  });
}
