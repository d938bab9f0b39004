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
import { modeFor, packageGroupOf, type WriteTarget } from '../domain/modes';
import type { PipelineApprovals } from '../ports/approvals';
import type { Clock } from '../ports/clock';
import type { DecisionEvents } from '../ports/decision-events';
import type { ActionRecord, Decision, DecisionLog } from '../ports/decision-log';
import { noMetrics, type DecisionMetrics } from '../ports/decision-metrics';
import type { Deployments } from '../ports/deployments';
import type { Endpoints } from '../ports/endpoints';
import type { KillSwitch } from '../ports/kill-switch';
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
const NOTEWORTHY = /REJECT|HOLD|ROLL|QUARANTIN|FREEZE|FROZEN|FAIL|OBSERVE/i;

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

  constructor(private readonly deps: HardeningDeps) {
    this.policyVersion = policyVersion(deps.policy, deps.policyText);
  }

  /** The policy object was changed in place (simulate's `mode` step): later decisions carry its new hash. */
  policyChanged(): void {
    this.policyVersion = policyVersion(this.deps.policy);
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
    const verdict = modeFor(this.deps.policy, target);
    if (verdict.mode === 'observe') return `observe (${verdict.because.join(', ')})`;
    const sw = await this.deps.killSwitch.state();
    if (sw.paused) return `paused${sw.by ? ` by ${sw.by}` : ''}${sw.reason ? `: ${sw.reason}` : ''}`;
    return undefined;
  }

  private async guarded<T>(
    service: string,
    operation: string,
    resource: string,
    target: WriteTarget,
    write: () => Promise<T>,
    instead: () => T,
  ): Promise<T> {
    const why = await this.withholding(target);
    if (why !== undefined) {
      this.journal.push({ service, operation, target: resource, status: 'withheld', why });
      this.deps.logger.warn(`withheld ${service} ${operation}`, { target: resource, why });
      return instead();
    }
    const result = await write();
    this.journal.push({ service, operation, target: resource, status: 'taken' });
    return result;
  }

  private pipelines(inner: Pipelines): Pipelines {
    return {
      start: (request) =>
        this.guarded(
          request.target.type,
          'StartPipelineExecution',
          request.target.name,
          { kind: 'pipeline', type: request.target.type, name: request.target.name },
          () => inner.start(request),
          () => `${WITHHELD_PREFIX}${request.token}`,
        ),
    };
  }

  private registry(inner: ModelRegistry): ModelRegistry {
    return {
      describe: (arn) => inner.describe(arn),
      listByStatus: (group, status, limit) => inner.listByStatus(group, status, limit),
      setApprovalStatus: (arn, status, description, options) =>
        this.guarded(
          'sagemaker',
          'UpdateModelPackage',
          arn,
          { kind: 'modelPackage', group: packageGroupOf(arn) ?? '' },
          () => inner.setApprovalStatus(arn, status, description, options),
          () => ({ updated: true }),
        ),
    };
  }

  private approvals(inner: PipelineApprovals): PipelineApprovals {
    return {
      actionState: (pipeline, stage, action) => inner.actionState(pipeline, stage, action),
      variables: (pipeline, executionId) => inner.variables(pipeline, executionId),
      answer: (target, status, summary) =>
        this.guarded(
          'codepipeline',
          'PutApprovalResult',
          `${target.pipeline}/${target.stage}/${target.action}`,
          { kind: 'approval', pipeline: target.pipeline, stage: target.stage, action: target.action },
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
      stop: async (id) => {
        const { application, deploymentGroup } = await groupOf(id);
        return this.guarded(
          'codedeploy',
          'StopDeployment',
          id,
          { kind: 'deploymentGroup', application, group: deploymentGroup },
          () => inner.stop(id),
          () => undefined,
        );
      },
      redeploy: (application, group, revision, description) =>
        this.guarded(
          'codedeploy',
          'CreateDeployment',
          `${application}/${group}`,
          { kind: 'deploymentGroup', application, group },
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
      update: (name, config) =>
        this.guarded(
          'sagemaker',
          'UpdateEndpoint',
          `${name} -> ${config}`,
          { kind: 'endpoint', name },
          () => inner.update(name, config),
          () => undefined,
        ),
    };
  }

  private packagesPort(inner: PackageStatus): PackageStatus {
    return {
      approval: (arn) => inner.approval(arn),
      reject: (arn, reason) =>
        this.guarded(
          'sagemaker',
          'UpdateModelPackage',
          arn,
          { kind: 'modelPackage', group: packageGroupOf(arn) ?? '' },
          () => inner.reject(arn, reason),
          () => undefined,
        ),
    };
  }

  private stagesPort(inner: StageControl): StageControl {
    const transition = (operation: string, pipeline: string, stage: string, write: () => Promise<void>) =>
      this.guarded(
        'codepipeline',
        operation,
        `${pipeline}/${stage}`,
        { kind: 'stageTransition', pipeline, stage },
        write,
        () => undefined,
      );
    return {
      actions: (pipeline, executionId) => inner.actions(pipeline, executionId),
      freeze: (pipeline, stage, reason) =>
        transition('DisableStageTransition', pipeline, stage, () => inner.freeze(pipeline, stage, reason)),
      unfreeze: (pipeline, stage) =>
        transition('EnableStageTransition', pipeline, stage, () => inner.unfreeze(pipeline, stage)),
      retry: (pipeline, stage, executionId) =>
        this.guarded(
          'codepipeline',
          'RetryStageExecution',
          `${pipeline}/${stage}`,
          { kind: 'stageRetry', pipeline, stage },
          () => inner.retry(pipeline, stage, executionId),
          () => undefined,
        ),
    };
  }

  /** The explaining decision log: complete, store, then publish, notify and count. */
  decisions(inner: DecisionLog): DecisionLog {
    return {
      record: async (decision) => {
        const actions = this.journal;
        this.journal = [];
        const explained: Decision = {
          ...decision,
          id: decision.id ?? (this.deps.newId ?? randomUUID)(),
          policyVersion: this.policyVersion,
          actions: [...(decision.actions ?? []), ...actions],
          recordedAt: this.deps.clock.now().toISOString(),
        };
        this.deps.onDecision?.(explained);
        // Stored first: the record is the source of truth, the event and the notice follow it. A
        // failed publish fails the invocation, and the retried delivery records the decision again.
        await inner.record(explained);
        await this.deps.events?.publish([explained]);
        await this.notify(explained);
        this.count(explained);
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
