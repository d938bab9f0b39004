import type { Policy } from '../config/policy';
import { EndpointConfigMissingError } from '../domain/errors';
import type { RollbackBinding } from '../config/policy-rollback';
import { isoTime, type AlarmChange } from '../domain/alarms';
import { codeDeployPlan, endpointPhase, endpointPlan, isMaintenance, needsTags, selects } from '../domain/rollback';
import type { Alarms } from '../ports/alarms';
import type { Clock } from '../ports/clock';
import type { Decision, DecisionLog, PlannedWrite } from '../ports/decision-log';
import { writes } from '../domain/writes';
import type { Deployments } from '../ports/deployments';
import { redeployDescription } from '../domain/redeploy';
import type { LambdaAliases, TaskDefinitions } from '../ports/redeploy-facts';
import type { RedeployWatch } from '../ports/redeploy-watch';
import { Redeploys } from './redeploy-follow';
import type { Endpoints } from '../ports/endpoints';
import type { Logger } from '../ports/logger';
import type { PackageStatus } from '../ports/package-status';
import type { RetrainRequests } from '../ports/retrain-requests';
import type { Recheck, RollbackStore } from '../ports/rollback-store';
import type { StageControl } from '../ports/stage-control';

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
}

export interface EndpointSighting {
  id: string;
  endpoint: string;
  config: string;
  status: string;
  at: string;
  account?: string;
  region?: string;
}

/** What one binding did for one alarm: the claim it won (if any) and the live packages it found. */
interface Outcome {
  won: boolean;
  lost: boolean;
  badVersions: string[];
  livePackages: string[];
}

const DAY_MS = 86_400_000;
/**
 * A rollback claim whose owner neither finished nor gave it back for this long is taken over (its
 * owner crashed). The domain makes a late takeover harmless: a rollback deployment or a restored
 * config is never rolled back.
 */
const CLAIM_SECONDS = 5 * 60;

/** Alarm → rollback / retraining request; endpoint history; re-checks and auto-unfreeze on a timer. */
export class RollbackWorkflow {
  constructor(private readonly deps: RollbackDeps) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  /** The per-platform redeploy and its follow-up (functions/workflows/redeploy-follow.ts). */
  private get redeploys(): Redeploys {
    return new Redeploys(this.deps);
  }

  private async decide(d: Omit<Decision, 'at'>): Promise<void> {
    this.deps.logger.info(`decision ${d.kind} ${d.outcome}`, { subject: d.subject, reasons: d.reasons });
    await this.deps.decisions.record({ ...d, at: this.now().toISOString() });
  }

  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    await this.decide({ kind: 'rollback.ignore', subject, outcome: 'IGNORED', reasons, inputs });
  }

  foreignOrigin(origin: { account?: string; region?: string }): string | undefined {
    const { accounts, regions } = this.deps.policy.controller;
    if (origin.account && !accounts.includes(origin.account))
      return `account ${origin.account} is not one of ${accounts.join(', ')}`;
    if (origin.region && !regions.includes(origin.region))
      return `region ${origin.region} is not one of ${regions.join(', ')}`;
    return undefined;
  }

  private async bindingsFor(change: AlarmChange): Promise<RollbackBinding[]> {
    const all = this.deps.policy.rollback;
    let tags: Record<string, string> | undefined;
    // One ListTagsForResource, only when a tag-bound binding has not already matched by name.
    if (change.arn && needsTags(all, change.name)) tags = await this.deps.alarms.tags(change.arn);
    return all.filter((b) => selects(b, change.name, tags));
  }

  async onAlarm(change: AlarmChange): Promise<void> {
    const subject = `alarm/${change.name}`;
    const foreign = this.foreignOrigin(change);
    if (foreign) return this.ignore(subject, [foreign], { via: change.via, id: change.id });
    const bindings = await this.bindingsFor(change);
    if (bindings.length === 0)
      return this.ignore(subject, [`no rollback binding selects alarm ${change.name}`], { state: change.state });
    if (change.state !== 'ALARM') {
      await this.decide({
        kind: 'rollback.alarm',
        subject,
        outcome: change.state,
        reasons: [
          `${change.name} is ${change.state}${change.previous ? ` (was ${change.previous})` : ''}: recorded, no action`,
        ],
        inputs: { via: change.via, since: change.since, reason: change.reason, bindings: bindings.map((b) => b.name) },
      });
      if (change.state === 'OK') await this.noteOk(bindings, change.since);
      return;
    }
    const fresh = await this.freshBindings(change, bindings);
    const failures: unknown[] = [];
    for (const binding of fresh) {
      // One binding's failure must not keep the others from acting; the delivery still fails.
      await this.act(binding, change).catch((error: unknown) => {
        this.deps.logger.error('rollback binding failed', { binding: binding.name, error: String(error) });
        failures.push(error);
      });
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * The bindings a late or outdated ALARM may still act for. The delivery is checked against the
   * alarm's current state (one DescribeAlarms) and each binding's age limit; the rest are STALE.
   */
  private async freshBindings(change: AlarmChange, bindings: RollbackBinding[]): Promise<RollbackBinding[]> {
    const ageSeconds = Math.floor((this.now().getTime() - Date.parse(change.since)) / 1000);
    // The alarm is read back only when some binding would still act on a delivery this old.
    const current = bindings.some((b) => ageSeconds <= b.staleAfterSeconds)
      ? ((await this.deps.alarms.states([change.name])).get(change.name) ?? 'unknown to CloudWatch')
      : undefined;
    const fresh: RollbackBinding[] = [];
    for (const binding of bindings) {
      const why =
        ageSeconds > binding.staleAfterSeconds
          ? `delivered ${ageSeconds} s after the alarm entered ALARM, over staleAfterSeconds ${binding.staleAfterSeconds}`
          : current !== 'ALARM'
            ? `alarm ${change.name} is ${current} now, not ALARM`
            : undefined;
      if (!why) {
        fresh.push(binding);
        continue;
      }
      await this.decide({
        kind: 'rollback.alarm',
        subject: `${binding.name}/alarm/${change.name}`,
        outcome: 'STALE',
        reasons: [`${this.reasonText(change)}: ${why}; recorded, no action`],
        inputs: { via: change.via, id: change.id, since: change.since, ageSeconds, ...(current ? { current } : {}) },
      });
    }
    return fresh;
  }

  /** Short on purpose: it goes into decisions, CodeDeploy descriptions and approval descriptions. */
  private reasonText(change: AlarmChange): string {
    return `alarm ${change.name} in ALARM since ${change.since}`;
  }

  private async act(binding: RollbackBinding, change: AlarmChange): Promise<void> {
    if (binding.retrain) return this.retrain(binding, change);
    const outcome: Outcome = { won: false, lost: false, badVersions: [], livePackages: [] };
    if (binding.codedeploy) await this.rollbackCodeDeploy(binding, change, outcome);
    if (binding.endpoint) await this.rollbackEndpoint(binding, change, outcome);
    // Whoever won a target's claim also rejects and freezes; a binding without a rollback target
    // claims the freeze itself, per alarm episode.
    const hasTarget = Boolean(binding.codedeploy || binding.endpoint);
    if (hasTarget && !outcome.won) return;
    if (binding.modelPackageGroup) await this.rejectLive(binding, change, outcome);
    if (binding.freeze) await this.freeze(binding, change, hasTarget);
  }

  /**
   * Commits `decision` as the one for (target, version): its record and its claim are one write,
   * made before `work`. A failed `work` marks the record failed and gives the claim back, so the
   * retried delivery acts. False, with nothing written, when another delivery holds the claim.
   */
  private async once(
    target: string,
    version: string,
    decision: Omit<Decision, 'at'>,
    planned: PlannedWrite[],
    work: () => Promise<unknown>,
  ): Promise<boolean> {
    this.deps.logger.info(`decision ${decision.kind} ${decision.outcome}`, {
      subject: decision.subject,
      reasons: decision.reasons,
    });
    const committed = await this.deps.decisions.commit(
      { ...decision, at: this.now().toISOString() },
      { key: `ROLLBACK#${target}#${version}`, ttlSeconds: CLAIM_SECONDS },
      planned,
    );
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

  private async rollbackCodeDeploy(binding: RollbackBinding, change: AlarmChange, out: Outcome): Promise<void> {
    const cd = binding.codedeploy!;
    const target = `codedeploy:${cd.application}/${cd.deploymentGroup}`;
    const since = new Date(this.now().getTime() - cd.lookbackDays * DAY_MS);
    const recent = await this.deps.deployments.recent(cd.application, cd.deploymentGroup, since);
    const plan = codeDeployPlan(recent);
    const base = { kind: 'rollback.codedeploy', subject: `${binding.name}/${target}` };
    if (plan.kind === 'none') {
      // The latest is the controller's own redeployment that an earlier attempt made: follow it.
      const adopted = await this.redeploys.adopt(
        {
          subject: base.subject,
          binding: binding.name,
          application: cd.application,
          group: cd.deploymentGroup,
          alarm: change.name,
        },
        this.reasonText(change),
        recent,
      );
      if (adopted) {
        out.won = true;
        out.badVersions.push(adopted.bad);
        if (adopted.badPackage) out.livePackages.push(adopted.badPackage);
        return;
      }
      return this.decide({
        ...base,
        outcome: 'NOTHING_TO_ROLL_BACK',
        reasons: [this.reasonText(change), plan.reason],
        inputs: {},
      });
    }
    // What a redeploy means on the group's compute platform (reads only; decided in domain/redeploy.ts).
    const verdict = plan.kind === 'redeploy' ? await this.redeploys.verdict(plan.good) : undefined;
    if (verdict?.kind === 'nothing')
      return this.decide({
        ...base,
        outcome: 'NOTHING_TO_ROLL_BACK',
        reasons: [this.reasonText(change), plan.reason, verdict.reason],
        inputs: { platform: verdict.platform },
      });
    const bad = plan.kind === 'stop' ? plan.bad : [plan.bad];
    const version = bad.map((d) => d.id).join('+');
    out.badVersions.push(version);
    for (const d of bad) if (d.modelPackageArn) out.livePackages.push(d.modelPackageArn);
    const reasons = [this.reasonText(change), plan.reason, ...(verdict ? [verdict.reason] : [])];
    if (binding.observeOnly)
      return this.decide({
        ...base,
        outcome: 'OBSERVE_ONLY',
        reasons,
        inputs: { version },
      });
    const inputs = {
      version,
      ...(plan.kind === 'redeploy' ? { good: plan.good.id, platform: verdict!.platform } : {}),
    };
    const outcome = plan.kind === 'stop' ? 'STOPPED' : verdict?.kind === 'refuse' ? 'FAILED' : 'REDEPLOYED';
    const won = await this.once(
      target,
      version,
      { ...base, outcome, reasons, inputs },
      plan.kind === 'stop'
        ? plan.bad.map((d) => writes.stopDeployment(d.id, cd.application, cd.deploymentGroup))
        : verdict?.kind === 'create'
          ? [writes.createDeployment(cd.application, cd.deploymentGroup)]
          : [],
      async () => {
        if (plan.kind === 'stop') {
          for (const d of plan.bad) await this.deps.deployments.stop(d.id);
          return;
        }
        // Refused (FAILED): nothing to create; the claim keeps the refusal to one decision and notice.
        if (verdict?.kind !== 'create') return;
        const id = await this.deps.deployments.redeploy(
          cd.application,
          cd.deploymentGroup,
          verdict.revision,
          redeployDescription(this.reasonText(change), plan.bad.id, plan.good.id),
        );
        await this.redeploys.follow({
          deploymentId: id,
          binding: binding.name,
          subject: base.subject,
          application: cd.application,
          group: cd.deploymentGroup,
          platform: verdict.platform,
          bad: plan.bad.id,
          good: plan.good.id,
          alarm: change.name,
          createdAt: this.now().toISOString(),
        });
      },
    );
    out.won ||= won;
    out.lost ||= !won;
    if (!won)
      await this.decide({
        ...base,
        outcome: 'ALREADY_ROLLED_BACK',
        reasons: [this.reasonText(change), `rollback of ${version} was already claimed`],
        inputs,
      });
  }

  private async rollbackEndpoint(binding: RollbackBinding, change: AlarmChange, out: Outcome): Promise<void> {
    const name = binding.endpoint!.name;
    const base = { kind: 'rollback.endpoint', subject: `${binding.name}/endpoint:${name}` };
    const state = await this.deps.endpoints.describe(name);
    if (!state)
      return this.decide({
        ...base,
        outcome: 'NOT_FOUND',
        reasons: [this.reasonText(change), `endpoint ${name} does not exist`],
        inputs: {},
      });
    let history = await this.deps.store.endpointHistory(name);
    if (history.length === 0 && endpointPhase(state.status) === 'in-service') {
      // No history yet (deployed before the controller): at least remember what is live now.
      const pkg = await this.deps.endpoints.packageOf(state.config);
      const seen = { config: state.config, at: this.now().toISOString(), ...(pkg ? { modelPackageArn: pkg } : {}) };
      await this.deps.store.recordInService(name, seen);
      history = [seen];
    }
    const plan = endpointPlan(state, history);
    if (plan.kind === 'wait') {
      await this.deps.store.putRecheck({
        endpoint: name,
        binding: binding.name,
        alarm: change.name,
        since: this.now().toISOString(),
        config: state.config,
        status: state.status,
      });
      return this.decide({
        ...base,
        outcome: 'WAITING',
        reasons: [this.reasonText(change), plan.reason],
        inputs: { status: state.status },
      });
    }
    if (plan.kind === 'failed')
      // Terminal until a person repairs the endpoint: a wait would re-check forever, a retry change nothing.
      return this.decide({
        ...base,
        outcome: 'FAILED',
        reasons: [this.reasonText(change), plan.reason],
        inputs: { status: state.status, live: state.config },
      });
    if (plan.kind === 'none')
      return this.decide({
        ...base,
        outcome: 'NOTHING_TO_ROLL_BACK',
        reasons: [this.reasonText(change), plan.reason],
        inputs: { live: state.config },
      });
    out.badVersions.push(plan.from);
    const live = plan.live?.modelPackageArn ?? (await this.deps.endpoints.packageOf(plan.from));
    if (live) out.livePackages.push(live);
    if (binding.observeOnly)
      return this.decide({
        ...base,
        outcome: 'OBSERVE_ONLY',
        reasons: [this.reasonText(change), plan.reason],
        inputs: { to: plan.to.config },
      });
    const inputs = { from: plan.from, to: plan.to.config, ...(live ? { livePackage: live } : {}) };
    // A deleted config fails the same way on every retry: one FAILED decision, no retried delivery.
    const gone = (why: string) =>
      this.decide({
        ...base,
        outcome: 'FAILED',
        reasons: [
          this.reasonText(change),
          `cannot return ${name} to ${plan.to.config} (last seen InService ${plan.to.at}): ${why}; a person must choose a config`,
        ],
        inputs,
      });
    if (!(await this.deps.endpoints.configExists(plan.to.config)))
      return gone(`endpoint config ${plan.to.config} no longer exists (deleted)`);
    let won: boolean;
    try {
      won = await this.once(
        `endpoint:${name}`,
        plan.from,
        { ...base, outcome: 'UPDATED', reasons: [this.reasonText(change), plan.reason], inputs },
        [writes.updateEndpoint(name, plan.to.config)],
        async () => {
          await this.deps.endpoints.update(name, plan.to.config);
          await this.deps.store.markRollback(name, plan.from, plan.to.config);
        },
      );
    } catch (error) {
      // Deleted between the check and UpdateEndpoint.
      if (error instanceof EndpointConfigMissingError) return gone(error.message);
      throw error;
    }
    out.won ||= won;
    out.lost ||= !won;
    if (!won)
      await this.decide({
        ...base,
        outcome: 'ALREADY_ROLLED_BACK',
        reasons: [this.reasonText(change), `rollback of ${name} from ${plan.from} was already claimed`],
        inputs,
      });
  }

  private async rejectLive(binding: RollbackBinding, change: AlarmChange, out: Outcome): Promise<void> {
    const group = binding.modelPackageGroup!.toLowerCase();
    const mine = [...new Set(out.livePackages)].filter((arn) => arn.toLowerCase().includes(`:model-package/${group}/`));
    const base = { kind: 'rollback.package', subject: `${binding.name}/${binding.modelPackageGroup}` };
    if (mine.length === 0)
      return this.decide({
        ...base,
        outcome: 'UNKNOWN_LIVE_PACKAGE',
        reasons: [
          this.reasonText(change),
          `the rolled-back version names no package of group ${binding.modelPackageGroup}`,
        ],
        inputs: { badVersions: out.badVersions, seen: out.livePackages },
      });
    for (const arn of mine) {
      if (!binding.observeOnly)
        await this.deps.packages.reject(arn, `Rejected by mlops-controller rollback: ${this.reasonText(change)}`);
      await this.decide({
        ...base,
        outcome: binding.observeOnly ? 'OBSERVE_ONLY' : 'REJECTED',
        reasons: [this.reasonText(change), `${arn} was live when the alarm fired`],
        inputs: { modelPackageArn: arn, badVersions: out.badVersions },
      });
    }
  }

  private async freeze(binding: RollbackBinding, change: AlarmChange, underClaim: boolean): Promise<void> {
    const f = binding.freeze!;
    const base = { kind: 'rollback.freeze', subject: `${binding.name}/${f.pipeline}/${f.stage}` };
    const reason = `mlops-controller froze promotions: ${this.reasonText(change)}`;
    if (binding.observeOnly) return this.decide({ ...base, outcome: 'OBSERVE_ONLY', reasons: [reason], inputs: {} });
    const work = async () => {
      await this.deps.stages.freeze(f.pipeline, f.stage, reason);
      await this.deps.store.putFreeze({
        pipeline: f.pipeline,
        stage: f.stage,
        binding: binding.name,
        alarms: [change.name],
        since: this.now().toISOString(),
      });
    };
    const frozen = { ...base, outcome: 'FROZEN', reasons: [reason], inputs: { pipeline: f.pipeline, stage: f.stage } };
    if (!underClaim) {
      // Per alarm episode; a delivery that finds it claimed has nothing to add.
      await this.once(
        `freeze:${f.pipeline}/${f.stage}`,
        `${change.name}@${change.since}`,
        frozen,
        [writes.stageTransition('DisableStageTransition', f.pipeline, f.stage)],
        work,
      );
      return;
    }
    await work();
    await this.decide(frozen);
  }

  /**
   * A retraining binding records a request rather than starting the pipeline: starting needs the
   * retraining path (S3 manifests, the batch ledger's run store, both pipeline services), which the
   * sweeper carries and this function need not. One conditional write per alarm transition, keyed
   * by (binding, alarm, time it entered ALARM), so every delivery of one transition is one request;
   * the sweeper starts it on its next tick (within a minute) through the rule's guards.
   */
  private async retrain(binding: RollbackBinding, change: AlarmChange): Promise<void> {
    const rule = binding.retrain!;
    const base = { kind: 'rollback.retrain', subject: `${binding.name}/${rule}` };
    if (!this.deps.retrainRequests)
      return this.decide({
        ...base,
        outcome: 'UNAVAILABLE',
        reasons: ['retraining requests are not wired into this function'],
        inputs: {},
      });
    if (binding.observeOnly)
      return this.decide({ ...base, outcome: 'OBSERVE_ONLY', reasons: [this.reasonText(change)], inputs: {} });
    const request = {
      rule,
      token: `alarm-${binding.name}-${change.name}-${change.since}`,
      batchId: `alarm-${change.name}`.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 100),
      binding: binding.name,
      alarm: change.name,
      reason: this.reasonText(change),
      requestedAt: this.now().toISOString(),
    };
    const recorded = await this.deps.retrainRequests.request(request);
    await this.decide({
      ...base,
      outcome: recorded ? 'REQUESTED' : 'DUPLICATE',
      reasons: [
        this.reasonText(change),
        recorded
          ? `retraining of ${rule} requested: the sweeper starts it within a minute, through the rule's guards`
          : `retraining of ${rule} was already requested for this ALARM episode`,
      ],
      inputs: { token: request.token, batchId: request.batchId },
    });
  }

  /** An alarm went OK: freezes whose alarms are all OK start their auto-unfreeze countdown. */
  private async noteOk(bindings: RollbackBinding[], since: string): Promise<void> {
    const frozen = await this.deps.store.freezes();
    for (const f of frozen) {
      const binding = bindings.find((b) => b.name === f.binding);
      if (!binding?.freeze?.autoUnfreezeAfterOkSeconds) continue;
      const states = await this.deps.alarms.states(f.alarms);
      if (f.alarms.every((a) => states.get(a) === 'OK')) await this.deps.store.markOk(f.pipeline, f.stage, since);
    }
  }

  /** An endpoint event: remember configs that went InService; finish pending re-checks. */
  async onEndpoint(s: EndpointSighting): Promise<void> {
    const subject = `endpoint:${s.endpoint}`;
    const foreign = this.foreignOrigin(s);
    if (foreign) return this.ignore(subject, [foreign], { id: s.id });
    const bound = this.deps.policy.rollback.some((b) => b.endpoint?.name.toLowerCase() === s.endpoint.toLowerCase());
    if (!bound) return this.ignore(subject, [`no rollback binding names endpoint ${s.endpoint}`], { id: s.id });
    if (!/^in_?service$/i.test(s.status)) {
      this.deps.logger.info('endpoint not InService; nothing to learn', { endpoint: s.endpoint, status: s.status });
      return;
    }
    const pkg = await this.deps.endpoints.packageOf(s.config);
    const seen = { config: s.config, at: s.at, ...(pkg ? { modelPackageArn: pkg } : {}) };
    if (await this.deps.store.recordInService(s.endpoint, seen))
      await this.decide({
        kind: 'rollback.endpoint-seen',
        subject,
        outcome: 'IN_SERVICE',
        reasons: [`${s.config} InService at ${s.at}${pkg ? ` serving ${pkg}` : ''}`],
        inputs: seen,
      });
    const pending = (await this.deps.store.pendingRechecks()).filter((r) => r.endpoint === s.endpoint);
    for (const r of pending) await this.recheck(r);
  }

  /** The timer: endpoints that were Updating when an alarm fired, and freezes due to thaw. */
  async tick(): Promise<void> {
    for (const r of await this.deps.store.pendingRechecks()) await this.recheck(r);
    for (const f of await this.deps.store.freezes()) {
      const binding = this.deps.policy.rollback.find((b) => b.name === f.binding);
      const after = binding?.freeze?.autoUnfreezeAfterOkSeconds;
      if (!after || !f.okSince || this.now().getTime() - Date.parse(f.okSince) < after * 1000) continue;
      const states = await this.deps.alarms.states(f.alarms);
      if (!f.alarms.every((a) => states.get(a) === 'OK')) {
        await this.deps.store.markOk(f.pipeline, f.stage, undefined);
        continue;
      }
      await this.unfreeze(f.pipeline, f.stage, `every bound alarm OK since ${f.okSince} (${after}s cooldown)`);
    }
    // Redeployments the controller created, followed to SUCCEEDED or FAILED (redeploy-follow.ts).
    await this.redeploys.tick();
  }

  private async recheck(r: Recheck): Promise<void> {
    const binding = this.deps.policy.rollback.find((b) => b.name === r.binding);
    const state = await this.deps.endpoints.describe(r.endpoint);
    if (!binding || !state) {
      await this.deps.store.clearRecheck(r.endpoint);
      return;
    }
    const phase = endpointPhase(state.status);
    if (phase === 'transitional') return;
    await this.deps.store.clearRecheck(r.endpoint);
    const subject = `${binding.name}/endpoint:${r.endpoint}`;
    if (phase !== 'in-service') {
      // It will not settle by itself: say so once instead of re-checking on every tick.
      const plan = endpointPlan(state, []);
      await this.decide({
        kind: 'rollback.endpoint',
        subject,
        outcome: plan.kind === 'failed' ? 'FAILED' : 'NOTHING_TO_ROLL_BACK',
        reasons: [`re-check for alarm ${r.alarm}: ${plan.reason}`],
        inputs: { status: state.status, config: state.config },
      });
      return;
    }
    const states = await this.deps.alarms.states([r.alarm]);
    const alarmState = states.get(r.alarm) ?? 'UNKNOWN';
    const maintenance = r.status !== undefined && isMaintenance(r.status);
    if (state.config === r.config && !maintenance) {
      // Back on the config it served while Updating: its own guardrail rolled the update back.
      await this.decide({
        kind: 'rollback.endpoint',
        subject,
        outcome: 'SETTLED',
        reasons: [
          `endpoint settled back on ${state.config} by itself (alarm ${r.alarm} is ${alarmState}): nothing newer went live, no rollback`,
        ],
        inputs: { config: state.config },
      });
      return;
    }
    if (alarmState !== 'ALARM') {
      await this.decide({
        kind: 'rollback.endpoint',
        subject,
        outcome: 'SETTLED',
        reasons: [`endpoint settled on ${state.config} and alarm ${r.alarm} is ${alarmState}: no rollback needed`],
        inputs: { config: state.config },
      });
      return;
    }
    // Still alarming on a settled endpoint: roll back now, as for a fresh ALARM.
    await this.act(binding, {
      id: `recheck-${r.endpoint}-${r.since}`,
      via: 'eventbridge',
      name: r.alarm,
      state: 'ALARM',
      reason: 'still in ALARM after the endpoint finished updating',
      since: isoTime(r.since, this.now().toISOString()),
    });
  }

  /** Re-enables promotions (a person through the CLI, or the timer after the OK cooldown). */
  async unfreeze(pipeline: string, stage: string, why: string): Promise<boolean> {
    const frozen = (await this.deps.store.freezes()).find((f) => f.pipeline === pipeline && f.stage === stage);
    await this.deps.stages.unfreeze(pipeline, stage);
    await this.deps.store.clearFreeze(pipeline, stage);
    await this.decide({
      kind: 'rollback.unfreeze',
      subject: `${pipeline}/${stage}`,
      outcome: 'UNFROZEN',
      reasons: [why],
      inputs: frozen ? { frozenSince: frozen.since, alarms: frozen.alarms } : { note: 'no freeze was recorded' },
    });
    return frozen !== undefined;
  }
}
