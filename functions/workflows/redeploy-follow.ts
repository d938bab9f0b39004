/**
 * A CodeDeploy redeploy after the bake, per compute platform, and its follow-up to the end.
 *
 * Before: what the good revision needs on its platform (domain/redeploy.ts), read through the
 * read-only ports (the Lambda alias's live version, the ECS task definition's status).
 * After: each redeployment created is recorded on the state table; the rollback tick (every five
 * minutes) reads it back with GetDeployment until CodeDeploy ends it and records the outcome as a
 * `rollback.codedeploy` decision, SUCCEEDED or FAILED (a FAILED one is noteworthy: the guardrails'
 * decision log notifies a person). The tick rather than CodeDeploy's state-change event: it needs
 * no new rule, pattern or permission for EventBridge, it also ends follow-ups CodeDeploy never
 * reports (a deployment deleted, one stuck past FOLLOW_HOURS), and five minutes is well inside the
 * time a person needs to act on a failed rollback.
 */
import {
  followVerdict,
  ownRedeployment,
  redeployOf,
  redeployNeed,
  redeployVerdict,
  vanishedVerdict,
  type FollowVerdict,
  type RedeployVerdict,
} from '../domain/redeploy';
import type { DeploymentInfo } from '../domain/rollback';
import type { Clock } from '../ports/clock';
import type { Deployments } from '../ports/deployments';
import type { Logger } from '../ports/logger';
import type { LambdaAliases, TaskDefinitions } from '../ports/redeploy-facts';
import type { RedeployWatch, WatchedRedeploy } from '../ports/redeploy-watch';
import type { Recorder } from './recorder';

export interface RedeployDeps {
  deployments: Deployments;
  clock: Clock;
  logger: Logger;
  lambdaAliases?: LambdaAliases;
  taskDefinitions?: TaskDefinitions;
  redeploys?: RedeployWatch;
}

/** A claim on one follow-up's outcome, so two overlapping ticks record it once. */
const FOLLOW_CLAIM_SECONDS = 5 * 60;

export class Redeploys {
  /** `recorder`: the rollback workflow's, so a follow-up's decisions are written as its others are. */
  constructor(
    private readonly deps: RedeployDeps,
    private readonly recorder: Recorder,
  ) {}

  /** What redeploying `good` means now: the revision to create, nothing to do, or why not. */
  async verdict(good: DeploymentInfo): Promise<RedeployVerdict> {
    const need = redeployNeed(good);
    if (need.kind === 'lambda') {
      if (!this.deps.lambdaAliases)
        return { kind: 'refuse', platform: need.platform, reason: 'Lambda aliases are not wired into this function' };
      const live = await this.deps.lambdaAliases.liveVersion(need.functionName, need.alias);
      return redeployVerdict(need, { liveVersion: live ?? null });
    }
    if (need.kind === 'ecs') {
      if (!this.deps.taskDefinitions)
        return {
          kind: 'refuse',
          platform: need.platform,
          reason: 'ECS task definitions are not wired into this function',
        };
      const status = await this.deps.taskDefinitions.status(need.taskDefinition);
      return redeployVerdict(need, { taskDefinitionStatus: status ?? null });
    }
    return redeployVerdict(need, {});
  }

  /** Starts following a redeployment; false when it is (or was) already followed. */
  async follow(redeploy: WatchedRedeploy): Promise<boolean> {
    if (!this.deps.redeploys) return false;
    return this.deps.redeploys.watch(redeploy);
  }

  /**
   * The group's latest deployment is the controller's own redeployment that no follow-up knows: an
   * earlier attempt created it and lost CreateDeployment's answer (or crashed before recording
   * it). It is followed instead of creating another; the answer lets the rollback's other steps
   * (reject, freeze) run. Undefined when there is none, or it is already followed.
   */
  async adopt(
    target: Pick<WatchedRedeploy, 'subject' | 'binding' | 'application' | 'group' | 'alarm'>,
    why: string,
    recent: readonly DeploymentInfo[],
  ): Promise<{ bad: string; badPackage?: string } | undefined> {
    const own = ownRedeployment(recent);
    const of = own && redeployOf(own);
    if (!own || !of) return undefined;
    const { subject } = target;
    const adopted = await this.follow({
      ...target,
      deploymentId: own.id,
      platform: own.computePlatform ?? 'unknown',
      bad: of.bad,
      good: of.good,
      createdAt: own.createTime,
    });
    if (!adopted) return undefined;
    const reasons = [
      why,
      `found redeployment ${own.id} (${own.status}) that an earlier attempt created for ${of.bad}: following it, not creating another`,
    ];
    await this.recorder.record({
      kind: 'rollback.codedeploy',
      subject,
      outcome: 'REDEPLOYED',
      reasons,
      inputs: { version: of.bad, good: of.good, deployment: own.id },
    });
    const badPackage = recent.find((d) => d.id === of.bad)?.modelPackageArn;
    return { bad: of.bad, ...(badPackage ? { badPackage } : {}) };
  }

  /** One pass over the followed redeployments; one failing read does not hold up the others. */
  async tick(): Promise<void> {
    if (!this.deps.redeploys) return;
    const failures: unknown[] = [];
    for (const r of await this.deps.redeploys.pending())
      await this.check(r).catch((error: unknown) => {
        this.deps.logger.error('redeploy follow-up failed', { deploymentId: r.deploymentId, error: String(error) });
        failures.push(error);
      });
    if (failures.length > 0) throw failures[0];
  }

  private async check(r: WatchedRedeploy): Promise<void> {
    const now = this.deps.clock.now();
    let status: string;
    let verdict: FollowVerdict;
    try {
      const d = await this.deps.deployments.get(r.deploymentId);
      status = d.status;
      verdict = followVerdict({ id: r.deploymentId, status, ...(d.error ? { error: d.error } : {}) }, r.createdAt, now);
    } catch (error) {
      const vanished = vanishedVerdict(r.deploymentId, error);
      if (!vanished) throw error;
      status = 'DoesNotExist';
      verdict = vanished;
    }
    if (verdict.kind === 'wait') return;
    const committed = await this.recorder.commit(
      {
        kind: 'rollback.codedeploy',
        subject: r.subject,
        outcome: verdict.outcome,
        reasons: [`rollback for alarm ${r.alarm} (replaces ${r.bad} with the revision of ${r.good})`, verdict.reason],
        inputs: { deployment: r.deploymentId, status, platform: r.platform, bad: r.bad, good: r.good },
      },
      { key: `REDEPLOY-FOLLOW#${r.deploymentId}`, ttlSeconds: FOLLOW_CLAIM_SECONDS },
      [],
    );
    // Another tick holds this outcome.
    if (!committed) return;
    try {
      await this.deps.redeploys!.finish(r.deploymentId, verdict.outcome);
    } catch (error) {
      await committed.fail(error).catch(() => undefined);
      throw error;
    }
    await committed.done();
  }
}
