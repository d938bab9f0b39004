import type { Policy } from '../config/policy';
import { ContentionError, ControllerError, EndpointConfigMissingError } from '../domain/errors';
import type { RollbackBinding } from '../config/policy-rollback';
import { isoTime } from '../domain/time';
import type { AlarmChange } from '../parsing/alarm';
import type { EndpointSighting } from '../parsing/sagemaker';
import { packageGroupName } from '../domain/arns';
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
import type { IncidentFindings, Recheck, RollbackStore } from '../ports/rollback-store';
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

/** The steps of an alarm's response, in the order they run. */
type Step = 'freeze' | 'codedeploy' | 'endpoint' | 'reject';

/**
 * One alarm episode of one binding (binding, alarm, the time it entered ALARM) and what its rollback
 * steps found: the bad versions and the packages they served, this delivery's own or, for a target
 * whose plan is now "nothing to roll back", those an earlier delivery kept with the incident.
 */
interface Incident {
  id: string;
  found: IncidentFindings[];
  /** The incident's kept findings, read at most once per delivery and only when a plan needs them. */
  kept?: Promise<IncidentFindings[]>;
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

  /**
   * The response to one alarm episode, as independent steps: freeze first (promotions stop even if
   * a later step fails), then stop/redeploy, the endpoint, and the rejection of the live packages.
   * Each effect is a committed decision with its own claim, so a retried or concurrent delivery
   * finds the steps already done held and does the rest; what the rollback found is kept with the
   * incident before it acts, so the retry still rejects the right package. A step that throws is a
   * FAILED `rollback.step` decision (notified), the later steps still run, and a retryable failure
   * then fails the delivery, whose retry resumes it.
   */
  private async act(binding: RollbackBinding, change: AlarmChange): Promise<void> {
    if (binding.retrain) return this.retrain(binding, change);
    const incident: Incident = { id: `${binding.name}#${change.name}#${change.since}`, found: [] };
    const retry: unknown[] = [];
    const step = async (name: Step, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        if (await this.stepFailed(binding, change, incident, name, error)) retry.push(error);
      }
    };
    if (binding.freeze) await step('freeze', () => this.freeze(binding, change));
    if (binding.codedeploy) await step('codedeploy', () => this.rollbackCodeDeploy(binding, change, incident));
    if (binding.endpoint) await step('endpoint', () => this.rollbackEndpoint(binding, change, incident));
    if (binding.modelPackageGroup) await step('reject', () => this.rejectLive(binding, change, incident));
    if (retry.length > 0) throw retry[0];
  }

  /** Records a step that threw; true when the delivery must be retried for it. */
  private async stepFailed(
    binding: RollbackBinding,
    change: AlarmChange,
    incident: Incident,
    step: Step,
    error: unknown,
  ): Promise<boolean> {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logger.error('rollback step failed', { binding: binding.name, step, error: message });
    // A lost race on a claim: nothing failed, the retried delivery decides again.
    if (error instanceof ContentionError) return true;
    const retryable = !(error instanceof ControllerError) || error.retryable;
    await this.decide({
      kind: 'rollback.step',
      subject: `${binding.name}/${step}`,
      outcome: 'FAILED',
      reasons: [
        this.reasonText(change),
        `step ${step} failed: ${message}; ${
          retryable
            ? 'the delivery is retried and resumes this step (after the last retry the event is dead-lettered)'
            : 'it is permanent and not retried: fix its cause, then replay the event'
        }`,
      ],
      inputs: { step, incident: incident.id, retryable },
    }).catch((recording: unknown) =>
      // The step's error still fails the delivery (when retryable) and is logged above.
      this.deps.logger.error('could not record the failed step', { step, error: String(recording) }),
    );
    return retryable;
  }

  /**
   * Counts what a rollback step found for the rejection and, before the step acts, keeps it with
   * the incident for a retry; a binding that rejects nothing needs no such write.
   */
  private async found(binding: RollbackBinding, incident: Incident, found: IncidentFindings): Promise<void> {
    incident.found.push(found);
    if (binding.modelPackageGroup && !binding.observeOnly) await this.deps.store.recordFindings(incident.id, found);
  }

  /** What an earlier delivery of this incident found for `target`, when this delivery's plan finds nothing. */
  private async foundEarlier(
    binding: RollbackBinding,
    incident: Incident,
    target: string,
  ): Promise<IncidentFindings | undefined> {
    // Only bindings that reject keep findings (see `found`).
    if (!binding.modelPackageGroup || binding.observeOnly) return undefined;
    incident.kept ??= this.deps.store.findings(incident.id);
    const earlier = (await incident.kept).find((f) => f.target === target);
    if (earlier) incident.found.push(earlier);
    return earlier;
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
    keepSeconds?: number,
  ): Promise<boolean> {
    this.deps.logger.info(`decision ${decision.kind} ${decision.outcome}`, {
      subject: decision.subject,
      reasons: decision.reasons,
    });
    const committed = await this.deps.decisions.commit(
      { ...decision, at: this.now().toISOString() },
      {
        key: `ROLLBACK#${target}#${version}`,
        ttlSeconds: CLAIM_SECONDS,
        ...(keepSeconds !== undefined ? { keepSeconds } : {}),
      },
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

  private async rollbackCodeDeploy(binding: RollbackBinding, change: AlarmChange, incident: Incident): Promise<void> {
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
      if (adopted)
        return this.found(binding, incident, {
          target,
          version: adopted.bad,
          packages: adopted.badPackage ? [adopted.badPackage] : [],
        });
      return this.nothingNow(binding, base, change, incident, target, plan.reason, {});
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
    const packages = bad.flatMap((d) => (d.modelPackageArn ? [d.modelPackageArn] : []));
    await this.found(binding, incident, { target, version, packages });
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
    if (!won)
      await this.decide({
        ...base,
        outcome: 'ALREADY_ROLLED_BACK',
        reasons: [this.reasonText(change), `rollback of ${version} was already claimed`],
        inputs,
      });
  }

  /**
   * The plan finds nothing to roll back. If an earlier delivery of this incident rolled the target
   * back, that is why (its findings still count for the rejection); otherwise there was nothing.
   */
  private async nothingNow(
    binding: RollbackBinding,
    base: { kind: string; subject: string },
    change: AlarmChange,
    incident: Incident,
    target: string,
    reason: string,
    inputs: Record<string, unknown>,
  ): Promise<void> {
    const earlier = await this.foundEarlier(binding, incident, target);
    await this.decide({
      ...base,
      outcome: earlier ? 'ALREADY_ROLLED_BACK' : 'NOTHING_TO_ROLL_BACK',
      reasons: [
        this.reasonText(change),
        ...(earlier ? [`an earlier delivery of this alarm episode acted on ${earlier.version}`] : []),
        reason,
      ],
      inputs: { ...inputs, ...(earlier ? { version: earlier.version } : {}) },
    });
  }

  private async rollbackEndpoint(binding: RollbackBinding, change: AlarmChange, incident: Incident): Promise<void> {
    const name = binding.endpoint!.name;
    const target = `endpoint:${name}`;
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
    if (plan.kind === 'failed') {
      // Terminal until a person repairs the endpoint: a wait would re-check forever, a retry change
      // nothing. The package of the config it reports is still the one the alarm fired on: rejected.
      const live =
        history.find((h) => h.config === state.config)?.modelPackageArn ??
        (await this.deps.endpoints.packageOf(state.config));
      const packages = live ? [live] : [];
      await this.found(binding, incident, { target, version: state.config, packages });
      return this.decide({
        ...base,
        outcome: 'FAILED',
        reasons: [this.reasonText(change), plan.reason],
        inputs: { status: state.status, live: state.config, ...(live ? { livePackage: live } : {}) },
      });
    }
    if (plan.kind === 'none')
      return this.nothingNow(binding, base, change, incident, target, plan.reason, { live: state.config });
    const live = plan.live?.modelPackageArn ?? (await this.deps.endpoints.packageOf(plan.from));
    await this.found(binding, incident, { target, version: plan.from, packages: live ? [live] : [] });
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
    if (!won)
      await this.decide({
        ...base,
        outcome: 'ALREADY_ROLLED_BACK',
        reasons: [this.reasonText(change), `rollback of ${name} from ${plan.from} was already claimed`],
        inputs,
      });
  }

  /**
   * Rejects the packages the rollback steps found live, each once however many alarms and
   * deliveries find it (a claim per package). Nothing found bad, nothing to reject.
   */
  private async rejectLive(binding: RollbackBinding, change: AlarmChange, incident: Incident): Promise<void> {
    const { found } = incident;
    if (found.length === 0) return;
    const group = packageGroupName(binding.modelPackageGroup!).toLowerCase();
    const seen = [...new Set(found.flatMap((f) => f.packages))];
    const mine = seen.filter((arn) => arn.toLowerCase().includes(`:model-package/${group}/`));
    const badVersions = found.map((f) => f.version);
    const base = { kind: 'rollback.package', subject: `${binding.name}/${binding.modelPackageGroup}` };
    if (mine.length === 0)
      return this.decide({
        ...base,
        outcome: 'UNKNOWN_LIVE_PACKAGE',
        reasons: [
          this.reasonText(change),
          `the rolled-back version names no package of group ${binding.modelPackageGroup}`,
        ],
        inputs: { badVersions, seen },
      });
    const failures: unknown[] = [];
    for (const arn of mine) {
      const reasons = [this.reasonText(change), `${arn} was live when the alarm fired`];
      const inputs = { modelPackageArn: arn, badVersions };
      if (binding.observeOnly) {
        await this.decide({ ...base, outcome: 'OBSERVE_ONLY', reasons, inputs });
        continue;
      }
      // Once per (package, bad version) however many alarms found it, held as long as a delivery
      // may still act; one package's failure does not keep the others from being rejected.
      const version = [...new Set(found.filter((f) => f.packages.includes(arn)).map((f) => f.version))].sort();
      await this.once(
        `package:${arn}`,
        version.join('+'),
        { ...base, outcome: 'REJECTED', reasons, inputs },
        [writes.updateModelPackage(arn)],
        () => this.deps.packages.reject(arn, `Rejected by mlops-controller rollback: ${this.reasonText(change)}`),
        binding.staleAfterSeconds,
      ).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * Freezes promotions once per alarm episode, held as long as a delivery of the episode may still
   * act (so a person's unfreeze is not undone by a late copy); a new episode freezes again.
   */
  private async freeze(binding: RollbackBinding, change: AlarmChange): Promise<void> {
    const f = binding.freeze!;
    const base = { kind: 'rollback.freeze', subject: `${binding.name}/${f.pipeline}/${f.stage}` };
    const reason = `mlops-controller froze promotions: ${this.reasonText(change)}`;
    if (binding.observeOnly) return this.decide({ ...base, outcome: 'OBSERVE_ONLY', reasons: [reason], inputs: {} });
    await this.once(
      `freeze:${f.pipeline}/${f.stage}`,
      `${change.name}@${change.since}`,
      { ...base, outcome: 'FROZEN', reasons: [reason], inputs: { pipeline: f.pipeline, stage: f.stage } },
      [writes.stageTransition('DisableStageTransition', f.pipeline, f.stage)],
      async () => {
        await this.deps.stages.freeze(f.pipeline, f.stage, reason);
        await this.deps.store.putFreeze({
          pipeline: f.pipeline,
          stage: f.stage,
          binding: binding.name,
          alarms: [change.name],
          since: this.now().toISOString(),
        });
      },
      binding.staleAfterSeconds,
    );
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
