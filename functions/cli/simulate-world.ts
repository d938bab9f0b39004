/**
 * The one simulated world a scenario runs in: the embedded backend seeded from `world`, and every
 * function of serverless.yml built through the same wiring (functions/wiring) its Lambda runtime
 * uses, on memory ports over that backend. The registry gate, the approval gate, the hooks and the
 * rollback read and write the same model packages, so a package approved by a gate is the package
 * an alarm rejects; the retraining sweeper starts what a drift alarm requests.
 */
import type { Policy } from '../config/policy';
import { MemoryAlarms } from '../adapters/memory/alarms';
import { MemoryPipelineApprovals } from '../adapters/memory/approvals';
import { MemoryBatchLedger } from '../adapters/memory/batch-ledger';
import { MemoryClaims } from '../adapters/memory/claims';
import { MemoryDecisionEvents } from '../adapters/memory/decision-events';
import { MemoryDecisionLog } from '../adapters/memory/decision-log';
import { MemoryDeployments } from '../adapters/memory/deployments';
import { MemoryEndpoints } from '../adapters/memory/endpoints';
import { gatesState } from '../adapters/memory/gates-world';
import { MemoryKillSwitch } from '../adapters/memory/kill-switch';
import { MemoryMetricReports } from '../adapters/memory/metric-reports';
import { MemoryModelRegistry } from '../adapters/memory/model-registry';
import { MemoryNotifier } from '../adapters/memory/notifier';
import { MemoryObjectStore } from '../adapters/memory/object-store';
import { MemoryPackageStatus } from '../adapters/memory/package-status';
import { MemoryPipelines } from '../adapters/memory/pipelines';
import { MemoryLambdaAliases, MemoryTaskDefinitions } from '../adapters/memory/redeploy-facts';
import { MemoryRedeployWatch } from '../adapters/memory/redeploy-watch';
import { MemoryRetrainRequests } from '../adapters/memory/retrain-requests';
import { MemoryRollbackStore } from '../adapters/memory/rollback-store';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import { MemoryRunStore } from '../adapters/memory/run-store';
import { MemoryStageControl } from '../adapters/memory/stage-control';
import { MemoryWorld } from '../adapters/memory/world';
import { Guardrails } from '../guardrails';
import { alarmFired } from '../handlers/alarm-fired';
import { approvalRequested } from '../handlers/approval-requested';
import { dataArrived } from '../handlers/data-arrived';
import { deploymentHook } from '../handlers/deployment-hook';
import { endpointChanged } from '../handlers/endpoint-changed';
import { executionFinished } from '../handlers/execution-finished';
import { modelRegistered } from '../handlers/model-registered';
import { stageFailed } from '../handlers/stage-failed';
import { sweeper } from '../handlers/sweeper';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ModelPackage } from '../ports/model-registry';
import { wireDeploymentHook } from '../wiring/deployment-hook';
import { wireGates } from '../wiring/gates';
import { wireRetraining } from '../wiring/retraining';
import { wireRollback } from '../wiring/rollback';
import { wireStageRetry } from '../wiring/stage-retry';
import type { Where } from './envelopes';
import { alarmArn, scheduledEvent } from './rollback-envelopes';
import type { FunctionName, ModelPackageSeed, PackageRef, WorldSeed } from './simulate-schema';

export type Handler = (event: unknown) => Promise<unknown>;

/** One event for one function. */
export interface Delivery {
  fn: FunctionName;
  event: unknown;
  label: string;
  /** What one delivery is, for the timeline: an "event" unless said ("SQS batch"). */
  unit?: string;
}

export class SimulatedClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
  set(t: number): void {
    this.t = Math.max(this.t, t);
  }
}

const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export interface SimWorld {
  policy: Policy;
  clock: SimulatedClock;
  world: MemoryWorld;
  account: string;
  region: string;
  /** The scenario file's folder: event paths are relative to it. */
  dir: string;
  /** Start of the scenario (epoch ms). */
  start: number;
  decisions: MemoryDecisionLog;
  guardrails: Guardrails<MemoryKillSwitch>;
  killSwitch: MemoryKillSwitch;
  /** The retraining and rollback state, as `status --scenario` reads it after the run. */
  ledger: MemoryBatchLedger;
  runs: MemoryRunStore;
  rollbackStore: MemoryRollbackStore;
  functions: Record<FunctionName, Handler>;
  /** The rollback function's scheduled tick. */
  tick(): Delivery;
  /** Account, region, time and a fresh id for the next event. */
  where(): Where;
  packageArn(ref: PackageRef): string;
  /** Puts a package in the registry (the one every function reads). */
  seedPackage(p: ModelPackageSeed): ModelPackage;
}

export const packageArn = (region: string, account: string, group: string, version: number): string =>
  `arn:aws:sagemaker:${region}:${account}:model-package/${group}/${version}`;

export function buildWorld(opts: { policy: Policy; seed: WorldSeed; start: number; dir: string }): SimWorld {
  const { policy, seed, start, dir } = opts;
  const clock = new SimulatedClock(start);
  const world = new MemoryWorld(clock);
  const account = policy.controller.accounts[0] as string;
  const region = policy.controller.regions[0] as string;

  const seedPackage = (p: ModelPackageSeed): ModelPackage => {
    const pkg: ModelPackage = {
      arn: packageArn(region, account, p.group, p.version),
      group: p.group,
      version: p.version,
      status: p.status,
      createdAt: p.created ?? clock.now().toISOString(),
      reports: Object.fromEntries(Object.entries(p.reports).map(([source, s3Uri]) => [source, { s3Uri }])),
      customerMetadata: { ...p.metadata },
    };
    gatesState(world).packages.set(pkg.arn, pkg);
    return pkg;
  };
  seedWorld(world, seed, { account, region, start, seedPackage });

  const killSwitch = new MemoryKillSwitch();
  const { eventBus, topicArn } = policy.controller.decisions;
  let decisionCount = 0;
  // As functions/config/guardrails-runtime.ts builds them, on the embedded backend.
  const guardrails = new Guardrails({
    policy,
    killSwitch,
    ...(eventBus ? { events: new MemoryDecisionEvents(world, eventBus) } : {}),
    ...(topicArn ? { notifier: new MemoryNotifier(world) } : {}),
    logger: quietLogger,
    clock,
    // Numbered apart from world ids, so execution ids read the same as without the guardrails.
    newId: () => `decision-${String(++decisionCount).padStart(6, '0')}`,
  });
  const decisions = new MemoryDecisionLog(clock, { killSwitch });
  const wiring = { policy, clock, logger: quietLogger, guardrails };
  const objects = new MemoryObjectStore(world);
  const claims = new MemoryClaims(clock);
  // Alarms bound to retraining record requests here; the sweeper starts them (as in AWS).
  const retrainRequests = new MemoryRetrainRequests();
  const rollbackStore = new MemoryRollbackStore();
  const deployments = new MemoryDeployments(world);
  const endpoints = new MemoryEndpoints(world);
  const alarms = new MemoryAlarms(world);
  const stages = new MemoryStageControl(world);
  const packages = new MemoryPackageStatus(world);

  const ledger = new MemoryBatchLedger();
  const runs = new MemoryRunStore();
  const retraining = wireRetraining(
    {
      ledger,
      runs,
      objects,
      pipelines: new MemoryPipelines(world, { account, region }),
      requests: retrainRequests,
      decisions,
    },
    wiring,
  );
  const gates = wireGates(
    {
      registry: new MemoryModelRegistry(world),
      reports: new MemoryMetricReports(world),
      notifier: new MemoryNotifier(world),
      approvals: new MemoryPipelineApprovals(world),
      claims,
      decisions,
    },
    wiring,
  );
  const rollback = wireRollback(
    {
      store: rollbackStore,
      deployments,
      endpoints,
      alarms,
      stages,
      packages,
      decisions,
      retrainRequests,
      lambdaAliases: new MemoryLambdaAliases(world),
      taskDefinitions: new MemoryTaskDefinitions(world),
      redeploys: new MemoryRedeployWatch(),
    },
    wiring,
  );
  const hooks = wireDeploymentHook(
    { deployments, alarms, packages, invoker: endpoints, objects, claims: new MemoryClaims(clock), decisions },
    wiring,
  );
  const retry = wireStageRetry({ stages, store: rollbackStore, decisions }, wiring);
  const now = () => clock.now();
  const hook = deploymentHook(hooks, quietLogger);
  const functions: Record<FunctionName, Handler> = {
    dataArrived: dataArrived(retraining, quietLogger) as Handler,
    executionFinished: executionFinished(retraining, quietLogger) as Handler,
    sweeper: sweeper(retraining) as Handler,
    registryGate: modelRegistered(gates, quietLogger) as Handler,
    approvalGate: approvalRequested(gates, quietLogger) as Handler,
    alarmRollback: alarmFired(rollback, quietLogger, now) as Handler,
    endpointTracker: endpointChanged(rollback, quietLogger, now) as Handler,
    // A Lambda with the default 30 s timeout.
    deploymentHook: ((event: unknown) => hook(event, { getRemainingTimeInMillis: () => 30_000 })) as Handler,
    stageRetry: stageFailed(retry, quietLogger) as Handler,
  };

  let eventCounter = 0;
  return {
    policy,
    clock,
    world,
    account,
    region,
    dir,
    start,
    decisions,
    guardrails,
    killSwitch,
    ledger,
    runs,
    rollbackStore,
    functions,
    tick: () => ({ fn: 'alarmRollback', event: scheduledEvent(clock.now().toISOString()), label: 'rollback tick' }),
    where: () => ({
      account,
      region,
      time: clock.now().toISOString(),
      id: `sim-${String(++eventCounter).padStart(5, '0')}`,
    }),
    packageArn: (ref) => (typeof ref === 'string' ? ref : packageArn(region, account, ref.group, ref.version)),
    seedPackage,
  };
}

function seedWorld(
  world: MemoryWorld,
  seed: WorldSeed,
  at: { account: string; region: string; start: number; seedPackage: (p: ModelPackageSeed) => unknown },
): void {
  for (const p of seed.pipelines) world.pipelines.set(p.name, { kind: p.type });
  for (const o of seed.objects) world.putObject(o.bucket, o.key, o.body);
  const gates = gatesState(world);
  for (const p of seed.modelPackages) at.seedPackage(p);
  for (const a of seed.approvals) gates.approvals.push({ ...a, status: 'InProgress' });
  for (const d of seed.denied) gates.denied.add(MemoryWorld.objectKey(d.bucket, d.key));

  const state = rollbackWorld(world);
  for (const g of seed.codedeploy) {
    state.applications.set(g.application, (state.applications.get(g.application) ?? new Set()).add(g.group));
    for (const d of g.deployments)
      state.deployments.push({
        id: d.id,
        application: g.application,
        group: g.group,
        status: d.status,
        createTime: new Date(at.start - d.minutesAgo * 60_000).toISOString(),
        ...(d.revision ? { revision: d.revision } : {}),
        ...(d.description ? { description: d.description } : {}),
        ...(g.computePlatform ? { computePlatform: g.computePlatform } : {}),
      });
  }
  for (const a of seed.lambdaAliases) state.aliases.set(`${a.function}:${a.alias}`, a.version);
  for (const t of seed.taskDefinitions) state.taskDefinitions.set(t.taskDefinition, t.status);
  for (const e of seed.endpoints) {
    state.endpoints.set(e.name, { name: e.name, status: e.status, config: e.config });
    for (const c of e.configs) state.configPackages.set(c.name, c.modelPackageArn);
    if (!state.configPackages.has(e.config)) state.configPackages.set(e.config, undefined);
    if (e.response !== undefined) state.responses.set(e.name, e.response);
  }
  for (const a of seed.alarms) state.alarms.set(a.name, { state: a.state, arn: alarmArn(at, a.name), tags: a.tags });
  for (const p of seed.packageStatuses) state.packages.set(p.arn, p.status);
  state.actionRuns.push(...seed.actionRuns);
}
