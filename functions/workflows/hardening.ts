/**
 * Observe-only mode, the kill switch and explained decisions, applied once for every workflow:
 *
 *   - `harden(deps)` wraps the write ports a workflow was given (pipelines, registry, approvals,
 *     deployments, endpoints, packages, stages) so each write call first asks the policy's mode for
 *     the resource it writes (functions/domain/modes.ts) and the kill switch. A withheld call is not
 *     made; it answers what the workflow expects from a successful call, so the workflow decides,
 *     records and moves its own state on exactly as in enforce mode. That is why switching back to
 *     enforce never replays old decisions: they are done, with their actions recorded as withheld.
 *   - and its `decisions` port with one that completes each decision (id, policy version, the
 *     actions taken or withheld since the previous decision, recording time), stores it, publishes
 *     it to EventBridge, notifies SNS by severity, and counts it.
 *
 * Lifecycle hooks must still answer CodeDeploy (else the deployment waits out its hook timeout):
 * observed or paused, a hook whose checks fail answers Succeeded, and the Failed it would have sent
 * is recorded as withheld.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Policy } from '../config/policy';
import { modeFor, type WriteTarget } from '../domain/modes';
import { writeKey, writes } from '../domain/writes';
import type { PipelineApprovals } from '../ports/approvals';
import type { Clock } from '../ports/clock';
import type { DecisionEvents } from '../ports/decision-events';
import type {
  ActionRecord,
  CommittedDecision,
  Decision,
  DecisionClaim,
  DecisionLog,
  PlannedWrite,
} from '../ports/decision-log';
import { noMetrics, type DecisionMetrics } from '../ports/decision-metrics';
import type { Deployments } from '../ports/deployments';
import type { Endpoints } from '../ports/endpoints';
import type { KillSwitch, KillSwitchState } from '../ports/kill-switch';
import type { Logger } from '../ports/logger';
import type { ModelRegistry } from '../ports/model-registry';
import type { Notifier } from '../ports/notifier';
import type { PackageStatus } from '../ports/package-status';
import type { Pipelines } from '../ports/pipelines';
import type { StageControl } from '../ports/stage-control';

export interface HardeningDeps {
  policy: Policy;
  /** The policy text the functions bundle; its hash is each decision's policy version. */
  policyText?: string;
  killSwitch: KillSwitch;
  events?: DecisionEvents;
  notifier?: Notifier;
  metrics?: DecisionMetrics;
  logger: Logger;
  clock: Clock;
  /** Called with each decision id before it is stored (Powertools logger correlation id). */
  onDecision?: (decision: Decision) => void;
  /** Decision ids; default random UUIDs (simulate numbers them so its runs repeat exactly). */
  newId?: () => string;
}

/** Execution ids of starts that were withheld: `withheld:<client request token>`. */
export const WITHHELD_PREFIX = 'withheld:';
export const isWithheld = (id: string | undefined): boolean => id?.startsWith(WITHHELD_PREFIX) ?? false;

/** Outcomes a person hears about whatever `decisions.routine` says. */
const NOTEWORTHY = /REJECT|HOLD|ROLL|QUARANTIN|FREEZE|FROZEN|FAIL|OBSERVE|STALE/i;

const pausedWhy = (sw: KillSwitchState): string | undefined =>
  sw.paused ? `paused${sw.by ? ` by ${sw.by}` : ''}${sw.reason ? `: ${sw.reason}` : ''}` : undefined;

export function policyVersion(policy: Policy, text?: string): string {
  return createHash('sha256')
    .update(text ?? JSON.stringify(policy))
    .digest('hex')
    .slice(0, 16);
}

interface WritePorts {
  pipelines?: Pipelines;
  registry?: ModelRegistry;
  approvals?: PipelineApprovals;
  deployments?: Deployments;
  endpoints?: Endpoints;
  packages?: PackageStatus;
  stages?: StageControl;
  decisions?: DecisionLog;
}

export class Hardening {
  policyVersion: string;
  /** Write calls since the last recorded decision (one invocation handles one event at a time). */
  private journal: ActionRecord[] = [];
  /** Verdicts of the writes committed decisions planned and have not made yet, by writeKey. */
  private readonly committed = new Map<string, { why: string | undefined }[]>();
  /** The id of a decision whose commit found its claim held: nothing stored it. */
  private spareId: string | undefined;

  constructor(private readonly deps: HardeningDeps) {
    this.policyVersion = policyVersion(deps.policy, deps.policyText);
  }

  /** The same dependencies, with every write port guarded and decisions explained. */
  wrap<D extends WritePorts>(workflowDeps: D): D {
    const d: D = { ...workflowDeps };
    if (d.pipelines) d.pipelines = this.pipelines(d.pipelines);
    if (d.registry) d.registry = this.registry(d.registry);
    if (d.approvals) d.approvals = this.approvals(d.approvals);
    if (d.deployments) d.deployments = this.deploymentsPort(d.deployments);
    if (d.endpoints) d.endpoints = this.endpointsPort(d.endpoints);
    if (d.packages) d.packages = this.packagesPort(d.packages);
    if (d.stages) d.stages = this.stagesPort(d.stages);
    if (d.decisions) d.decisions = this.decisions(d.decisions);
    return d;
  }

  /** Why a write to `target` must be withheld now, or undefined when it may go ahead. */
  async withholding(target: WriteTarget): Promise<string | undefined> {
    return this.observing(target) ?? pausedWhy(await this.deps.killSwitch.state());
  }

  /** Why the policy's modes withhold a write to `target`, if they do. */
  private observing(target: WriteTarget): string | undefined {
    const verdict = modeFor(this.deps.policy, target);
    return verdict.mode === 'observe' ? `observe (${verdict.because.join(', ')})` : undefined;
  }

  /**
   * Makes `call` unless the write is withheld. A write its decision committed was judged, and
   * recorded, when it was committed; any other is judged now (its target may need a lookup) and
   * journaled for the next record.
   */
  private async guard<T>(
    write: Omit<PlannedWrite, 'target'> & { target: WriteTarget | (() => Promise<WriteTarget>) },
    call: () => Promise<T>,
    instead: () => T,
  ): Promise<T> {
    const key = writeKey(write);
    const committed = this.committed.get(key)?.shift();
    if (this.committed.get(key)?.length === 0) this.committed.delete(key);
    const why = committed
      ? committed.why
      : await this.withholding(typeof write.target === 'function' ? await write.target() : write.target);
    const { service, operation, resource } = write;
    if (why !== undefined) {
      if (!committed) this.journal.push({ service, operation, target: resource, status: 'withheld', why });
      this.deps.logger.warn(`withheld ${service} ${operation}`, { target: resource, why });
      return instead();
    }
    const result = await call();
    if (!committed) this.journal.push({ service, operation, target: resource, status: 'taken' });
    return result;
  }

  private pipelines(inner: Pipelines): Pipelines {
    return {
      start: (request) =>
        this.guard(
          writes.startPipeline(request.target.type, request.target.name),
          () => inner.start(request),
          () => `${WITHHELD_PREFIX}${request.token}`,
        ),
    };
  }

  private registry(inner: ModelRegistry): ModelRegistry {
    return {
      describe: (arn) => inner.describe(arn),
      listByStatus: (group, status, limit) => inner.listByStatus(group, status, limit),
      setApprovalStatus: (arn, status, description) =>
        this.guard(
          writes.updateModelPackage(arn),
          () => inner.setApprovalStatus(arn, status, description),
          () => undefined,
        ),
    };
  }

  private approvals(inner: PipelineApprovals): PipelineApprovals {
    return {
      actionState: (pipeline, stage, action) => inner.actionState(pipeline, stage, action),
      variables: (pipeline, executionId) => inner.variables(pipeline, executionId),
      answer: (target, status, summary) =>
        this.guard(
          writes.answerApproval(target.pipeline, target.stage, target.action),
          () => inner.answer(target, status, summary),
          () => ({ answered: true }),
        ),
    };
  }

  private deploymentsPort(inner: Deployments): Deployments {
    // The guard needs each deployment's group. The workflow has always just listed it (rollback:
    // recent) or read it (hook: get), so remember what those answered instead of a GetDeployment
    // per guarded write (found by the P5 bench). Bounded: a container sees few deployments.
    const groups = new Map<string, { application: string; deploymentGroup: string }>();
    const remember = (id: string, application: string, deploymentGroup: string) => {
      if (groups.size >= 1000) groups.clear();
      groups.set(id, { application, deploymentGroup });
    };
    const groupOf = async (id: string) => groups.get(id) ?? (await inner.get(id));
    return {
      recent: async (application, group, since) => {
        const deployments = await inner.recent(application, group, since);
        for (const d of deployments) remember(d.id, application, group);
        return deployments;
      },
      get: async (id) => {
        const detail = await inner.get(id);
        remember(id, detail.application, detail.deploymentGroup);
        return detail;
      },
      stop: (id) =>
        this.guard(
          {
            ...writes.stopDeployment(id, '', ''),
            // Only a write that is judged now needs the group (a committed one was judged with it).
            target: async () => {
              const { application, deploymentGroup } = await groupOf(id);
              return writes.stopDeployment(id, application, deploymentGroup).target;
            },
          },
          () => inner.stop(id),
          () => undefined,
        ),
      redeploy: (application, group, revision, description) =>
        this.guard(
          writes.createDeployment(application, group),
          () => inner.redeploy(application, group, revision, description),
          () => `${WITHHELD_PREFIX}${application}/${group}`,
        ),
      answerHook: async (id, hookExecutionId, status) => {
        if (status === 'Succeeded') return inner.answerHook(id, hookExecutionId, status);
        const { application, deploymentGroup } = await groupOf(id);
        const why = await this.withholding({ kind: 'hook', application, group: deploymentGroup });
        if (why === undefined) return inner.answerHook(id, hookExecutionId, status);
        // The hook must be answered either way: let the deployment go on, keep the Failed on record.
        await inner.answerHook(id, hookExecutionId, 'Succeeded');
        this.journal.push({
          service: 'codedeploy',
          operation: 'PutLifecycleEventHookExecutionStatus',
          target: `${id}/${hookExecutionId}: Failed`,
          status: 'withheld',
          why: `${why}; answered Succeeded`,
        });
      },
    };
  }

  private endpointsPort(inner: Endpoints): Endpoints {
    return {
      describe: (name) => inner.describe(name),
      packageOf: (config) => inner.packageOf(config),
      configExists: (config) => inner.configExists(config),
      update: (name, config) =>
        this.guard(
          writes.updateEndpoint(name, config),
          () => inner.update(name, config),
          () => undefined,
        ),
    };
  }

  private packagesPort(inner: PackageStatus): PackageStatus {
    return {
      approval: (arn) => inner.approval(arn),
      reject: (arn, reason) =>
        this.guard(
          writes.updateModelPackage(arn),
          () => inner.reject(arn, reason),
          () => undefined,
        ),
    };
  }

  private stagesPort(inner: StageControl): StageControl {
    return {
      actions: (pipeline, executionId) => inner.actions(pipeline, executionId),
      freeze: (pipeline, stage, reason) =>
        this.guard(
          writes.stageTransition('DisableStageTransition', pipeline, stage),
          () => inner.freeze(pipeline, stage, reason),
          () => undefined,
        ),
      unfreeze: (pipeline, stage) =>
        this.guard(
          writes.stageTransition('EnableStageTransition', pipeline, stage),
          () => inner.unfreeze(pipeline, stage),
          () => undefined,
        ),
      retry: (pipeline, stage, executionId) =>
        this.guard(
          writes.retryStage(pipeline, stage),
          () => inner.retry(pipeline, stage, executionId),
          () => undefined,
        ),
    };
  }

  /** Completes a decision: id, policy version, the writes since the previous one, recording time. */
  private explain(decision: Decision, planned: readonly ActionRecord[] = []): Decision {
    const actions = this.journal;
    this.journal = [];
    const id = decision.id ?? this.spareId ?? (this.deps.newId ?? randomUUID)();
    this.spareId = undefined;
    const explained: Decision = {
      ...decision,
      id,
      policyVersion: this.policyVersion,
      actions: [...(decision.actions ?? []), ...actions, ...planned],
      recordedAt: this.deps.clock.now().toISOString(),
    };
    this.deps.onDecision?.(explained);
    return explained;
  }

  /** After the record is stored: the event and the notice follow it, and the counts. */
  private async announce(d: Decision): Promise<void> {
    await this.deps.events?.publish([d]);
    await this.notify(d);
    this.count(d);
  }

  /** The explaining decision log: complete, store, then publish, notify and count. */
  decisions(inner: DecisionLog): DecisionLog {
    return {
      record: async (decision) => {
        const explained = this.explain(decision);
        // Stored first: the record is the source of truth, the event and the notice follow it. A
        // failed publish fails the invocation, and the retried delivery records the decision again.
        await inner.record(explained);
        await this.announce(explained);
      },
      commit: (decision, claim, planned) => this.commit(inner, decision, claim, planned),
      // The hardened log always holds its decisions to its own switch.
      commitUnlessPaused: async (decision, claim, planned) => this.commit(inner, decision, claim, planned),
    };
  }

  /**
   * Each planned write is judged when its decision is committed (modes, kill switch) and recorded
   * so; the guard then carries out exactly that verdict when the workflow makes the call. The kill
   * switch is checked inside the commit itself (no read of its own, and no cache delay).
   */
  private async commit(
    inner: DecisionLog,
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    paused?: string,
  ): Promise<CommittedDecision | undefined> {
    const verdicts = planned.map((p) => ({ key: writeKey(p), p, why: this.observing(p.target) ?? paused }));
    const stamped: ActionRecord[] = verdicts.map(({ p, why }) => ({
      service: p.service,
      operation: p.operation,
      target: p.resource,
      ...(why === undefined ? { status: 'taken' as const } : { status: 'withheld' as const, why }),
    }));
    const journal = this.journal;
    const explained = this.explain(decision, stamped);
    const result = verdicts.some((v) => v.why === undefined)
      ? await inner.commitUnlessPaused(explained, claim, [], this.deps.killSwitch)
      : await inner.commit(explained, claim, []);
    if (!result || 'paused' in result) {
      // Nothing was stored: the earlier writes go to the next record, and so does the id
      // (simulate numbers decisions, and its runs must repeat exactly).
      this.journal = [...journal, ...this.journal];
      if (decision.id === undefined) this.spareId = explained.id;
      if (!result) return undefined;
      // Paused: the same decision, its writes withheld, recorded without the switch's condition.
      return this.commit(inner, decision, claim, planned, pausedWhy(result.paused) ?? 'paused');
    }
    for (const { key, why } of verdicts) this.committed.set(key, [...(this.committed.get(key) ?? []), { why }]);
    const forget = () => verdicts.forEach(({ key }) => this.committed.delete(key));
    return {
      done: async () => {
        forget();
        await result.done();
        await this.announce(explained);
      },
      fail: async (error) => {
        forget();
        await result.fail(error);
      },
    };
  }

  private async notify(d: Decision): Promise<void> {
    const { topicArn, routine } = this.deps.policy.controller.decisions;
    if (!topicArn || !this.deps.notifier) return;
    const withheld = (d.actions ?? []).some((a) => a.status === 'withheld');
    if (!routine && !withheld && !NOTEWORTHY.test(d.outcome)) return;
    const lines = [
      `${d.kind} ${d.outcome}: ${d.subject}`,
      '',
      ...d.reasons,
      '',
      ...(d.actions ?? []).map(
        (a) => `${a.status} ${a.service} ${a.operation} ${a.target}${a.why ? ` (${a.why})` : ''}`,
      ),
      '',
      `decision ${d.id} at ${d.at}, policy ${d.policyVersion}`,
    ];
    await this.deps.notifier.notify(topicArn, `mlops-controller ${d.kind} ${d.outcome}`, lines.join('\n'));
  }

  private count(d: Decision): void {
    const metrics = this.deps.metrics ?? noMetrics;
    metrics.count('Decisions', { Kind: d.kind, Outcome: d.outcome });
    for (const a of d.actions ?? [])
      metrics.count('Actions', { Operation: `${a.service}:${a.operation}`, Status: a.status });
  }
}
