/**
 * The rollback half of `simulate`: seeds CodeDeploy groups, endpoints, alarms, packages and action
 * runs into the embedded backend, builds the real rollback handlers on memory adapters, turns the
 * scenario's `alarm` / `endpoint` / `hook` / `stageFailed` steps into real event payloads, and
 * routes any event JSON to the handler that would receive it in AWS.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { Policy } from '../config/policy';
import { MemoryAlarms } from '../adapters/memory/alarms';
import { MemoryDeployments } from '../adapters/memory/deployments';
import { MemoryLambdaAliases, MemoryTaskDefinitions } from '../adapters/memory/redeploy-facts';
import { MemoryRedeployWatch } from '../adapters/memory/redeploy-watch';
import { MemoryEndpoints } from '../adapters/memory/endpoints';
import { MemoryObjectStore } from '../adapters/memory/object-store';
import { MemoryPackageStatus } from '../adapters/memory/package-status';
import { MemoryRollbackStore } from '../adapters/memory/rollback-store';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import { MemoryStageControl } from '../adapters/memory/stage-control';
import type { MemoryWorld } from '../adapters/memory/world';
import { ControllerError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import type { DecisionLog } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import { alarmFired } from '../handlers/alarm-fired';
import { deploymentHook } from '../handlers/deployment-hook';
import { endpointChanged } from '../handlers/endpoint-changed';
import { stageFailed } from '../handlers/stage-failed';
import { wireDeploymentHook } from '../wiring/deployment-hook';
import { MemoryClaims } from '../adapters/memory/claims';
import type { RetrainRequests } from '../ports/retrain-requests';
import { wireRollback } from '../wiring/rollback';
import type { Guardrails } from '../guardrails';
import { wireStageRetry } from '../wiring/stage-retry';
import type { Where } from './envelopes';

const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'events', 'samples');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function sample(name: string): any {
  return JSON.parse(readFileSync(join(samplesDir, name), 'utf8'));
}

/** Scenario `world` additions. Times are minutes before the scenario's start. */
export const rollbackWorldShape = {
  codedeploy: z
    .array(
      z.strictObject({
        application: z.string(),
        group: z.string(),
        /** The application's compute platform (CodeDeploy reports it on every deployment). */
        computePlatform: z.enum(['Server', 'Lambda', 'ECS']).optional(),
        deployments: z
          .array(
            z.strictObject({
              id: z.string(),
              status: z.string(),
              minutesAgo: z.number().nonnegative(),
              revision: z.record(z.string(), z.unknown()).optional(),
              description: z.string().optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  endpoints: z
    .array(
      z.strictObject({
        name: z.string(),
        status: z.string().default('InService'),
        config: z.string(),
        /** Every config that exists, with the model package its model was created from. */
        configs: z.array(z.strictObject({ name: z.string(), modelPackageArn: z.string().optional() })).default([]),
        /** Smoke-request answer. */
        response: z.string().optional(),
      }),
    )
    .default([]),
  alarms: z
    .array(
      z.strictObject({
        name: z.string(),
        state: z.string().default('OK'),
        tags: z.record(z.string(), z.string()).default({}),
      }),
    )
    .default([]),
  /** What a Lambda alias serves now (lambda GetAlias), for Lambda redeploys. */
  lambdaAliases: z.array(z.strictObject({ function: z.string(), alias: z.string(), version: z.string() })).default([]),
  /** ECS task definitions (as the AppSpec names them) and their status, for ECS redeploys. */
  taskDefinitions: z
    .array(z.strictObject({ taskDefinition: z.string(), status: z.string().default('ACTIVE') }))
    .default([]),
  /** Model package statuses the rollback side reads and writes (the gates' richer `modelPackages` seed the registry). */
  packageStatuses: z.array(z.strictObject({ arn: z.string(), status: z.string() })).default([]),
  actionRuns: z
    .array(
      z.strictObject({
        pipeline: z.string(),
        executionId: z.string(),
        stage: z.string(),
        action: z.string(),
        category: z.string(),
        status: z.string(),
      }),
    )
    .default([]),
};

export const rollbackWorldDefaults = {
  codedeploy: [],
  lambdaAliases: [],
  taskDefinitions: [],
  endpoints: [],
  alarms: [],
  packageStatuses: [],
  actionRuns: [],
};

/** Scenario step additions: each builds a real payload (fixture-based) and delivers it. */
export const rollbackStepShape = {
  /** An alarm changes state; the world's alarm follows. */
  alarm: z
    .strictObject({
      name: z.string(),
      state: z.string().default('ALARM'),
      via: z.enum(['eventbridge', 'lambda-action', 'sns']).default('eventbridge'),
      kind: z.enum(['single-metric', 'metric-math', 'composite']).default('single-metric'),
    })
    .optional(),
  /** An endpoint reaches a status with a config (endpoint state change event). */
  endpoint: z
    .strictObject({ name: z.string(), config: z.string(), status: z.string().default('IN_SERVICE') })
    .optional(),
  /** CodeDeploy calls the lifecycle hook for a deployment. */
  hook: z.strictObject({ deployment: z.string(), execution: z.string().optional() }).optional(),
  /** A stage execution FAILED event. */
  stageFailed: z.strictObject({ pipeline: z.string(), stage: z.string(), executionId: z.string() }).optional(),
  /** Deliver the step's events concurrently instead of one after another. */
  concurrent: z.boolean().default(false),
};

type Handler = (event: unknown) => Promise<unknown>;
type Step = {
  alarm?: { name: string; state: string; via: 'eventbridge' | 'lambda-action' | 'sns'; kind: string };
  endpoint?: { name: string; config: string; status: string };
  hook?: { deployment: string; execution?: string };
  stageFailed?: { pipeline: string; stage: string; executionId: string };
};
type World = { [K in keyof typeof rollbackWorldShape]: z.output<(typeof rollbackWorldShape)[K]> };

const ALARM_SAMPLES: Record<string, string> = {
  'single-metric': 'cloudwatch-alarm-state-change.single-metric.json',
  'metric-math': 'cloudwatch-alarm-state-change.metric-math.json',
  composite: 'cloudwatch-alarm-state-change.composite-with-suppressor.json',
};

/** The EventBridge alarm event with the name/state changed; the other vias carry the same alarm data. */
export function alarmEvent(a: NonNullable<Step['alarm']>, w: Where, previous = 'OK'): unknown {
  const e = sample(ALARM_SAMPLES[a.kind] ?? ALARM_SAMPLES['single-metric']!);
  const arn = `arn:aws:cloudwatch:${w.region}:${w.account}:alarm:${a.name}`;
  const stamp = w.time.replace('Z', '+0000');
  Object.assign(e, { id: w.id, account: w.account, region: w.region, time: w.time, resources: [arn] });
  e.detail.alarmName = a.name;
  e.detail.state.value = a.state;
  e.detail.state.timestamp = stamp;
  e.detail.previousState.value = previous;
  if (a.via === 'eventbridge') return e;
  if (a.via === 'lambda-action')
    // The alarm's direct Lambda action (CloudWatch user guide, "Invoke a Lambda function from an alarm").
    return {
      source: 'aws.cloudwatch',
      alarmArn: arn,
      accountId: w.account,
      time: stamp,
      region: w.region,
      alarmData: e.detail,
    };
  const envelope = sample('sns-envelope.json');
  envelope.Records[0].Sns = {
    ...envelope.Records[0].Sns,
    MessageId: w.id,
    Subject: `ALARM: "${a.name}" in ${w.region}`,
    Timestamp: w.time,
    // The alarm notification CloudWatch publishes to SNS.
    Message: JSON.stringify({
      AlarmName: a.name,
      AlarmArn: arn,
      AWSAccountId: w.account,
      NewStateValue: a.state,
      NewStateReason: e.detail.state.reason,
      StateChangeTime: stamp,
      OldStateValue: e.detail.previousState?.value,
    }),
  };
  return envelope;
}

export interface RollbackSimulation {
  /** The rollback state (freezes) the run leaves, for `status --scenario`. */
  store: MemoryRollbackStore;
  tick: Handler;
  /** Events for the step's rollback fields (empty when it has none). */
  events(step: Step, where: () => Where): Array<{ handler: Handler; event: unknown; label: string }>;
  /** The handler for an event JSON, or undefined when it is not a rollback event. */
  route(event: Record<string, unknown>): Handler | undefined;
  summary(): string[];
}

export function setupRollback(opts: {
  world: MemoryWorld;
  policy: Policy;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
  /** Shared with the retraining workflow, whose sweeper starts what the alarm handler requests. */
  retrainRequests: RetrainRequests;
  seed: World;
  start: number;
  /** Observe mode and the kill switch, as each Lambda runtime applies them. */
  guardrails?: Guardrails;
}): RollbackSimulation {
  const { world, policy, decisions, clock, logger } = opts;
  const state = rollbackWorld(world);
  const account = policy.controller.accounts[0] as string;
  const region = policy.controller.regions[0] as string;
  for (const g of opts.seed.codedeploy) {
    state.applications.set(g.application, (state.applications.get(g.application) ?? new Set()).add(g.group));
    for (const d of g.deployments)
      state.deployments.push({
        id: d.id,
        application: g.application,
        group: g.group,
        status: d.status,
        createTime: new Date(opts.start - d.minutesAgo * 60_000).toISOString(),
        ...(d.revision ? { revision: d.revision } : {}),
        ...(d.description ? { description: d.description } : {}),
        ...(g.computePlatform ? { computePlatform: g.computePlatform } : {}),
      });
  }
  for (const a of opts.seed.lambdaAliases) state.aliases.set(`${a.function}:${a.alias}`, a.version);
  for (const t of opts.seed.taskDefinitions) state.taskDefinitions.set(t.taskDefinition, t.status);
  for (const e of opts.seed.endpoints) {
    state.endpoints.set(e.name, { name: e.name, status: e.status, config: e.config });
    for (const c of e.configs) state.configPackages.set(c.name, c.modelPackageArn);
    if (!state.configPackages.has(e.config)) state.configPackages.set(e.config, undefined);
    if (e.response !== undefined) state.responses.set(e.name, e.response);
  }
  for (const a of opts.seed.alarms)
    state.alarms.set(a.name, {
      state: a.state,
      arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${a.name}`,
      tags: a.tags,
    });
  for (const p of opts.seed.packageStatuses) state.packages.set(p.arn, p.status);
  state.actionRuns.push(...opts.seed.actionRuns);

  const store = new MemoryRollbackStore();
  const endpoints = new MemoryEndpoints(world);
  const alarms = new MemoryAlarms(world);
  const deployments = new MemoryDeployments(world);
  const stages = new MemoryStageControl(world);
  const packages = new MemoryPackageStatus(world);
  const now = () => clock.now();
  const wiring = { policy, clock, logger, guardrails: opts.guardrails };
  const rollback = wireRollback(
    {
      store,
      deployments,
      endpoints,
      alarms,
      stages,
      packages,
      decisions,
      retrainRequests: opts.retrainRequests,
      lambdaAliases: new MemoryLambdaAliases(world),
      taskDefinitions: new MemoryTaskDefinitions(world),
      redeploys: new MemoryRedeployWatch(),
    },
    wiring,
  );
  const hooks = wireDeploymentHook(
    {
      deployments,
      alarms,
      packages,
      invoker: endpoints,
      objects: new MemoryObjectStore(world),
      claims: new MemoryClaims(clock),
      decisions,
    },
    wiring,
  );
  const retry = wireStageRetry({ stages, store, decisions }, wiring);
  const h = {
    alarm: alarmFired(rollback, logger, now) as Handler,
    endpoint: endpointChanged(rollback, logger, now) as Handler,
    // A Lambda with the default 30 s timeout.
    hook: ((event: unknown) =>
      deploymentHook(hooks, logger)(event, { getRemainingTimeInMillis: () => 30_000 })) as Handler,
    stage: stageFailed(retry, logger) as Handler,
  };
  const tickEvent = () => ({
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    id: 'tick',
    time: clock.now().toISOString(),
  });

  return {
    store,
    tick: async () => h.alarm(tickEvent()),
    events(step, where) {
      const out: Array<{ handler: Handler; event: unknown; label: string }> = [];
      if (step.alarm) {
        const a = step.alarm;
        const known = state.alarms.get(a.name);
        const previous = known?.state ?? 'INSUFFICIENT_DATA';
        if (known) known.state = a.state;
        else
          state.alarms.set(a.name, {
            state: a.state,
            arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${a.name}`,
            tags: {},
          });
        out.push({
          handler: h.alarm,
          event: alarmEvent(a, where(), previous),
          label: `alarm ${a.name} → ${a.state} via ${a.via}`,
        });
      }
      if (step.endpoint) {
        const s = step.endpoint;
        const e = state.endpoints.get(s.name);
        if (!e) throw new ControllerError(`endpoint.name: no endpoint ${s.name} in the world`);
        e.config = s.config;
        e.status = /in_?service/i.test(s.status) ? 'InService' : /updat/i.test(s.status) ? 'Updating' : s.status;
        const w = where();
        const event = sample('sagemaker-endpoint-state-change.json');
        Object.assign(event, {
          id: w.id,
          account: w.account,
          region: w.region,
          time: String(Date.parse(w.time)),
          resources: [`arn:aws:sagemaker:${w.region}:${w.account}:endpoint/${s.name.toLowerCase()}`],
        });
        Object.assign(event.detail, { EndpointName: s.name, EndpointConfigName: s.config, EndpointStatus: s.status });
        out.push({ handler: h.endpoint, event, label: `endpoint ${s.name} ${s.status} on ${s.config}` });
      }
      if (step.hook) {
        const event = sample('codedeploy-lifecycle-hook.lambda.powertools.json');
        event.DeploymentId = step.hook.deployment;
        event.LifecycleEventHookExecutionId = step.hook.execution ?? `hook-${step.hook.deployment}`;
        out.push({ handler: h.hook, event, label: `lifecycle hook of ${step.hook.deployment}` });
      }
      if (step.stageFailed) {
        const s = step.stageFailed;
        const w = where();
        const event = sample('codepipeline-stage-execution-state-change.stopped.json');
        Object.assign(event, {
          id: w.id,
          account: w.account,
          region: w.region,
          time: w.time,
          resources: [`arn:aws:codepipeline:${w.region}:${w.account}:${s.pipeline}`],
        });
        Object.assign(event.detail, {
          pipeline: s.pipeline,
          stage: s.stage,
          'execution-id': s.executionId,
          state: 'FAILED',
        });
        out.push({ handler: h.stage, event, label: `stage ${s.pipeline}/${s.stage} FAILED` });
      }
      return out;
    },
    route(event) {
      const type = String(event['detail-type'] ?? '');
      if (event.source === 'aws.cloudwatch' || event.alarmData) return h.alarm;
      if (type.startsWith('SageMaker Endpoint')) return h.endpoint;
      if (type === 'CodePipeline Stage Execution State Change') return h.stage;
      if (typeof event.LifecycleEventHookExecutionId === 'string') return h.hook;
      const records = event.Records as Array<{ Sns?: { Message?: string } }> | undefined;
      if (records?.[0]?.Sns?.Message?.includes('"AlarmName"')) return h.alarm;
      return undefined;
    },
    summary() {
      const acted = world.actions.filter(
        (a) =>
          a.service === 'codedeploy' ||
          a.operation.includes('Stage') ||
          a.operation.includes('Endpoint') ||
          a.operation === 'UpdateModelPackage',
      );
      if (acted.length === 0) return [];
      const frozen = [...state.disabledTransitions.keys()];
      return [
        `  rollback actions: ${acted.length} (${[...new Set(acted.map((a) => a.operation))].join(', ')})`,
        ...(frozen.length ? [`  frozen transitions: ${frozen.join(', ')}`] : []),
      ];
    },
  };
}
