/**
 * Observe mode and the kill switch around the write ports a workflow is given (pipelines,
 * registry, approvals, deployments, endpoints, packages, stages): each write call first asks the
 * policy's mode for the resource it writes (functions/domain/modes.ts) and the kill switch. A
 * withheld call is not made; the port answers what it answers for a call that was made, or says
 * `{ withheld: why }` where a result names what the call created (a pipeline execution, a
 * deployment), so the workflow decides, records and moves its own state on exactly as in enforce
 * mode. That is why switching back to enforce never replays old decisions: they are done, with
 * their actions recorded as withheld.
 *
 * Lifecycle hooks must still answer CodeDeploy (else the deployment waits out its hook timeout):
 * observed or paused, a hook whose checks fail answers Succeeded, and the Failed it would have sent
 * is recorded as withheld.
 */
import type { Policy } from '../config/policy';
import { observeWhy, type WriteTarget } from '../domain/modes';
import { writeKey, writes } from '../domain/writes';
import type { PipelineApprovals } from '../ports/approvals';
import type { ActionRecord, PlannedWrite } from '../ports/decision-log';
import type { Deployments } from '../ports/deployments';
import type { Endpoints } from '../ports/endpoints';
import type { KillSwitch, KillSwitchState } from '../ports/kill-switch';
import type { Logger } from '../ports/logger';
import type { ModelRegistry } from '../ports/model-registry';
import type { PackageStatus } from '../ports/package-status';
import type { Pipelines } from '../ports/pipelines';
import type { StageControl } from '../ports/stage-control';

/** The write ports a workflow may be given; each one present is guarded. */
export interface WritePorts {
  pipelines?: Pipelines;
  registry?: ModelRegistry;
  approvals?: PipelineApprovals;
  deployments?: Deployments;
  endpoints?: Endpoints;
  packages?: PackageStatus;
  stages?: StageControl;
}

export const pausedWhy = (sw: KillSwitchState): string | undefined =>
  sw.paused ? `paused${sw.by ? ` by ${sw.by}` : ''}${sw.reason ? `: ${sw.reason}` : ''}` : undefined;

export { observeWhy };

/**
 * One per container, and one invocation handles one event at a time: the journal is the writes
 * since the last recorded decision, which that record (decisions.ts) takes.
 */
export class WriteGuard {
  /** Write calls since the last recorded decision. */
  journal: ActionRecord[] = [];
  /** Verdicts (why withheld, or undefined: taken) of planned writes not made yet, by writeKey. */
  readonly committed = new Map<string, { why: string | undefined }[]>();
  /** The id of a decision whose commit found its claim held: nothing stored it, the next may. */
  spareId: string | undefined;

  constructor(private readonly deps: { policy: Policy; killSwitch: KillSwitch; logger: Logger }) {}

  /** Why a write to `target` must be withheld now, or undefined when it may go ahead. */
  async withholding(target: WriteTarget): Promise<string | undefined> {
    return observeWhy(this.deps.policy, target) ?? pausedWhy(await this.deps.killSwitch.state());
  }

  /**
   * Makes `call` unless the write is withheld. A write its decision committed was judged, and
   * recorded, when it was committed; any other is judged now (its target may need a lookup) and
   * journaled for the next record.
   */
  async guard<T>(
    write: Omit<PlannedWrite, 'target'> & { target: WriteTarget | (() => Promise<WriteTarget>) },
    call: () => Promise<T>,
    instead: (why: string) => T,
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
      return instead(why);
    }
    const result = await call();
    if (!committed) this.journal.push({ service, operation, target: resource, status: 'taken' });
    return result;
  }

  /** The same ports, each write call guarded (reads go to the port itself, bound). */
  ports<D extends WritePorts>(deps: D): D {
    const d: D = { ...deps };
    if (d.pipelines) d.pipelines = this.pipelines(d.pipelines);
    if (d.registry) d.registry = this.registry(d.registry);
    if (d.approvals) d.approvals = this.approvals(d.approvals);
    if (d.deployments) d.deployments = this.deployments(d.deployments);
    if (d.endpoints) d.endpoints = this.endpoints(d.endpoints);
    if (d.packages) d.packages = this.packages(d.packages);
    if (d.stages) d.stages = this.stages(d.stages);
    return d;
  }

  private pipelines(inner: Pipelines): Pipelines {
    return {
      start: (request) =>
        this.guard(
          writes.startPipeline(request.target.type, request.target.name),
          () => inner.start(request),
          (why) => ({ withheld: why }),
        ),
    };
  }

  private registry(inner: ModelRegistry): ModelRegistry {
    return {
      describe: inner.describe.bind(inner),
      listByStatus: inner.listByStatus.bind(inner),
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
      actionState: inner.actionState.bind(inner),
      variables: inner.variables.bind(inner),
      answer: (target, status, summary) =>
        this.guard(
          writes.answerApproval(target.pipeline, target.stage, target.action),
          () => inner.answer(target, status, summary),
          () => ({ answered: true }),
        ),
    };
  }

  private deployments(inner: Deployments): Deployments {
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
          (why) => ({ withheld: why }),
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

  private endpoints(inner: Endpoints): Endpoints {
    return {
      describe: inner.describe.bind(inner),
      packageOf: inner.packageOf.bind(inner),
      configExists: inner.configExists.bind(inner),
      update: (name, config) =>
        this.guard(
          writes.updateEndpoint(name, config),
          () => inner.update(name, config),
          () => undefined,
        ),
    };
  }

  private packages(inner: PackageStatus): PackageStatus {
    return {
      approval: inner.approval.bind(inner),
      reject: (arn, reason) =>
        this.guard(
          writes.updateModelPackage(arn),
          () => inner.reject(arn, reason),
          () => undefined,
        ),
    };
  }

  private stages(inner: StageControl): StageControl {
    return {
      actions: inner.actions.bind(inner),
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
}
