import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { parsePolicyText, validatePolicy, type Policy } from '../config/policy';
import { MemoryBatchLedger } from '../adapters/memory/batch-ledger';
import { MemoryDecisionLog } from '../adapters/memory/decision-log';
import { MemoryObjectStore } from '../adapters/memory/object-store';
import { MemoryPipelines } from '../adapters/memory/pipelines';
import { MemoryRetrainRequests } from '../adapters/memory/retrain-requests';
import { MemoryRunStore } from '../adapters/memory/run-store';
import { MemoryWorld, type Action } from '../adapters/memory/world';
import type { ObjectRef } from '../domain/objects';
import type { Clock } from '../ports/clock';
import type { ActionRecord, Decision } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import { wireRetraining } from '../wiring/retraining';
import type { StatusPorts } from '../wiring/status';
import { dataArrived } from '../handlers/data-arrived';
import { executionFinished } from '../handlers/execution-finished';
import { sweeper } from '../handlers/sweeper';
import * as envelopes from './envelopes';
import * as gatesSim from './simulate-gates';
import { ControllerError, PolicyError } from '../domain/errors';
import { rollbackStepShape, rollbackWorldDefaults, rollbackWorldShape, setupRollback } from './simulate-rollback';
import { guardrailsStepShape, setupGuardrails } from './simulate-guardrails';

const upload = z.strictObject({
  bucket: z.string(),
  key: z.string().optional(),
  keys: z.array(z.string()).optional(),
  /** With `pattern` ("part-{i}.csv"): that many objects. */
  count: z.number().int().positive().optional(),
  pattern: z.string().optional(),
  body: z.string().default(''),
  versioned: z.boolean().default(false),
  via: z.enum(['eventbridge', 'notification', 'sqs', 'sns', 'sns-sqs']).default('sqs'),
});

const step = z.strictObject({
  /** "+90s", "+15m", "+2h" or an ISO time. Advancing time runs the per-minute sweeper first. */
  at: z.string().optional(),
  say: z.string().optional(),
  upload: upload.optional(),
  /** Path (relative to the scenario file) of any event JSON to deliver as is. */
  event: z.string().optional(),
  /** Field overrides for `event`, by dot path ("detail.object.key"). */
  set: z.record(z.string(), z.unknown()).optional(),
  /** Deliver the step's events this many times (duplicate delivery). */
  repeat: z.number().int().positive().default(1),
  sweep: z.boolean().default(false),
  /** Re-delivers the previous step's events this many times (duplicates arriving later). */
  again: z.number().int().positive().optional(),
  /** Ends the running execution of a rule with a real pipeline-execution event. */
  finish: z.strictObject({ rule: z.string(), status: z.string().optional() }).optional(),
  /** Model packages registered, approval actions started, a person deciding (simulate-gates.ts). */
  gate: gatesSim.gateStep.optional(),
  ...rollbackStepShape,
  ...guardrailsStepShape,
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Path of a policy file (relative to the scenario) or the policy inline. */
  policy: z.union([z.string(), z.record(z.string(), z.unknown())]),
  start: z.string().default('2026-11-22T08:00:00Z'),
  world: z
    .strictObject({
      objects: z.array(z.strictObject({ bucket: z.string(), key: z.string(), body: z.string() })).default([]),
      pipelines: z.array(z.strictObject({ type: z.enum(['codepipeline', 'sagemaker']), name: z.string() })).default([]),
      ...gatesSim.gatesWorldFields,
      ...rollbackWorldShape,
    })
    .default({ objects: [], pipelines: [], modelPackages: [], approvals: [], denied: [], ...rollbackWorldDefaults }),
  steps: z.array(step).min(1),
});
export type Scenario = z.output<typeof scenarioSchema>;

export interface SimulationResult {
  scenario: string;
  actions: Array<Pick<Action, 'service' | 'operation' | 'input'> & { at: string }>;
  /** `withheld`: the write calls the decision did not make (observe mode, kill switch). */
  decisions: Array<
    Pick<Decision, 'kind' | 'subject' | 'outcome' | 'reasons'> & {
      at: string;
      withheld?: Array<Pick<ActionRecord, 'service' | 'operation' | 'target' | 'why'>>;
    }
  >;
  /** The decision records as stored (id, policy version, actions taken and withheld, inputs). */
  records: Decision[];
  timeline: string[];
  /** Handler invocations, sweeper and rollback ticks included. */
  deliveries: number;
  /** The embedded backend's state after the run, as `status --scenario` reads it. */
  state: StatusPorts & { policy: Policy; clock: Clock };
}

class SimulatedClock implements Clock {
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

/** Sets `a.b.0.c`; numeric parts index arrays. */
function setPath(target: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

function parseAt(at: string, now: number): number {
  const rel = /^\+(\d+)([smhd])$/.exec(at);
  if (rel) return now + Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const abs = Date.parse(at);
  if (Number.isNaN(abs)) throw new ControllerError(`step.at: "${at}" is neither +<n>[smhd] nor an ISO time`);
  return abs;
}

export function loadScenario(file: string): { scenario: Scenario; policy: Policy; dir: string } {
  const dir = dirname(resolve(file));
  const raw: unknown = parseYaml(readFileSync(file, 'utf8'));
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success)
    throw new PolicyError(parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`));
  const scenario = parsed.data;
  const policy =
    typeof scenario.policy === 'string'
      ? parsePolicyText(
          readFileSync(isAbsolute(scenario.policy) ? scenario.policy : resolve(dir, scenario.policy), 'utf8'),
        )
      : validatePolicy(scenario.policy);
  return { scenario, policy, dir };
}

type Handler = (event: unknown) => Promise<unknown>;

/**
 * `duplicates`: every delivery (events, re-deliveries, sweeper and rollback ticks) happens that many
 * times; the first copies keep the scenario's order, the extra copies land at seeded random places
 * after their first copy (at-least-once delivery never delivers a copy before the original exists).
 */
export interface SimulateOptions {
  duplicates?: number;
  seed?: number;
}

/** Runs a scenario through the real handlers on the embedded backend. */
export async function simulate(file: string, options: SimulateOptions = {}): Promise<SimulationResult> {
  const { scenario, policy, dir } = loadScenario(file);
  const copies = Math.max(1, options.duplicates ?? 1);
  const shuffle = withDuplicates(copies, options.seed ?? 1);
  const clock = new SimulatedClock(Date.parse(scenario.start));
  const world = new MemoryWorld(clock);
  const account = policy.controller.accounts[0] as string;
  const region = policy.controller.regions[0] as string;
  for (const p of scenario.world.pipelines) world.pipelines.set(p.name, { kind: p.type });
  for (const o of scenario.world.objects) world.putObject(o.bucket, o.key, o.body);
  gatesSim.seedGatesWorld(world, scenario.world, { account, region });
  const guarded = setupGuardrails({ world, policy, clock, logger: quietLogger });
  const { guardrails } = guarded;
  const decisions = new MemoryDecisionLog(clock, { killSwitch: guarded.killSwitch });

  // Alarms bound to retraining record requests here; the sweeper starts them (as in AWS).
  const retrainRequests = new MemoryRetrainRequests();
  const ledger = new MemoryBatchLedger();
  const runs = new MemoryRunStore();
  const workflow = wireRetraining(
    {
      ledger,
      runs,
      objects: new MemoryObjectStore(world),
      pipelines: new MemoryPipelines(world, { account, region }),
      requests: retrainRequests,
      decisions,
    },
    { policy, clock, logger: quietLogger, guardrails },
  );
  const rollback = setupRollback({
    guardrails,
    world,
    policy,
    decisions,
    clock,
    logger: quietLogger,
    retrainRequests,
    seed: scenario.world,
    start: Date.parse(scenario.start),
  });
  const handlers = {
    data: dataArrived(workflow, quietLogger) as Handler,
    finished: executionFinished(workflow, quietLogger) as Handler,
    sweep: sweeper(workflow) as Handler,
  };
  const gateHandlers = gatesSim.gateHandlers(policy, world, decisions, clock, quietLogger, guardrails);

  const timeline: string[] = [`Scenario: ${scenario.name}`];
  if (scenario.description) timeline.push(scenario.description.trim());
  const clockText = () => clock.now().toISOString().slice(11, 19);
  let seenActions = 0;
  let seenDecisions = 0;
  const report = () => {
    // Duplicate deliveries record the same decision again; one line with a count reads better.
    const lines = decisions.decisions
      .slice(seenDecisions)
      .map((d) =>
        [
          `${d.at.slice(11, 19)}    ◆ ${d.kind.padEnd(22)} ${d.subject.padEnd(22)} ${d.outcome.padEnd(11)} ${d.reasons.join('; ')}`,
          ...guarded.withheldLines(d),
        ].join('\n'),
      );
    for (let i = 0; i < lines.length;) {
      let n = 1;
      while (lines[i + n] === lines[i]) n += 1;
      timeline.push(n > 1 ? `${lines[i]}  (×${n})` : (lines[i] as string));
      i += n;
    }
    // Each decision's own event adds nothing to the timeline's decision line; the summary counts them.
    for (const a of world.actions.slice(seenActions).filter((a) => a.operation !== 'PutEvents'))
      timeline.push(`${a.at.slice(11, 19)}    ▶ ${a.service} ${a.operation} ${describeInput(a)}`);
    seenDecisions = decisions.decisions.length;
    seenActions = world.actions.length;
  };
  let deliveries = 0;
  const deliver = async (handler: Handler, event: unknown, label: string) => {
    deliveries += 1;
    try {
      const result = (await handler(event)) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
      const failures = result?.batchItemFailures ?? [];
      if (failures.length)
        timeline.push(
          `${clockText()}    ✗ ${label}: ${failures.length} SQS records reported failed (SQS redelivers them)`,
        );
    } catch (error) {
      timeline.push(
        `${clockText()}    ✗ ${label}: invocation failed (${(error as Error).message}); the event would be retried, then dead-lettered`,
      );
    }
  };
  let eventCounter = 0;
  const where = (): envelopes.Where => ({
    account,
    region,
    time: clock.now().toISOString(),
    id: `sim-${String(++eventCounter).padStart(5, '0')}`,
  });

  let previous: Array<{ handler: Handler; event: unknown; label: string }> = [];
  for (const s of scenario.steps) {
    const advanced = s.at !== undefined && parseAt(s.at, clock.now().getTime()) > clock.now().getTime();
    if (s.at && advanced) clock.set(parseAt(s.at, clock.now().getTime()));
    if (s.say) timeline.push('', `${clockText()}  ${s.say}`);
    await guarded.apply(s, timeline);
    if (advanced) {
      // Time passed: the per-minute sweeper has run.
      for (let c = 0; c < copies; c++) {
        await deliver(handlers.sweep, {}, 'sweeper');
        await deliver(rollback.tick, {}, 'rollback tick');
      }
      report();
    }

    const events: Array<{ handler: Handler; event: unknown; label: string }> = [];
    if (s.again) {
      for (let r = 0; r < s.again; r++)
        for (const e of shuffle(previous)) await deliver(e.handler, structuredClone(e.event), e.label);
      timeline.push(`${clockText()}    (${previous.length} earlier event(s) delivered again ×${s.again})`);
      report();
    }
    if (s.upload) {
      const u = s.upload;
      const keys = [
        ...(u.key ? [u.key] : []),
        ...(u.keys ?? []),
        ...(u.pattern && u.count
          ? Array.from({ length: u.count }, (_, i) => u.pattern!.replace('{i}', String(i + 1).padStart(4, '0')))
          : []),
      ];
      const objects: ObjectRef[] = keys.map((key) => {
        const stored = world.putObject(u.bucket, key, u.body, u.versioned ? world.nextId('v') : undefined);
        return {
          bucket: u.bucket,
          key,
          size: Buffer.byteLength(u.body),
          etag: stored.etag,
          sequencer: world.nextId('seq').replace('seq-', '00'),
          ...(stored.versionId ? { versionId: stored.versionId } : {}),
        };
      });
      events.push(...uploadEvents(u.via, objects, where, handlers.data));
    }
    if (s.event) {
      const event = JSON.parse(readFileSync(resolve(dir, s.event), 'utf8')) as Record<string, unknown>;
      for (const [path, value] of Object.entries(s.set ?? {})) setPath(event, path, value);
      events.push(
        gatesSim.routeGateEvent(event, gateHandlers, where) ?? {
          handler: rollback.route(event) ?? routeEvent(event, handlers),
          event,
          label: s.event,
        },
      );
    }
    if (s.finish) {
      const rule = policy.retraining.find((r) => r.name === s.finish!.rule);
      if (!rule) throw new ControllerError(`finish.rule: no retraining rule named ${s.finish.rule}`);
      const running = world.executions
        .filter((e) => e.pipeline === rule.target.name && e.status === 'InProgress')
        .at(-1);
      if (running) {
        const ok = !s.finish.status || /succ/i.test(s.finish.status);
        running.status = ok ? 'Succeeded' : 'Failed';
        const event =
          running.kind === 'codepipeline'
            ? envelopes.codePipelineFinishedEvent(running.pipeline, running.id, s.finish.status ?? 'SUCCEEDED', where())
            : envelopes.sageMakerFinishedEvent(running.id, s.finish.status ?? 'Succeeded', where());
        timeline.push(
          `${clockText()}  ${running.kind} execution ${running.id.split('/').at(-1)} of ${running.pipeline} ends ${running.status}`,
        );
        events.push({ handler: handlers.finished, event, label: 'pipeline finished' });
      } else timeline.push(`${clockText()}  (no running execution of ${rule.target.name} to finish)`);
    }
    if (s.gate) events.push(...gatesSim.gateStepEvents(world, s.gate, gateHandlers, where, timeline));
    events.push(...rollback.events(s, where));
    if (s.concurrent) {
      // Every copy at once: what at-least-once delivery and fan-out look like to the handlers.
      await Promise.all(
        Array.from({ length: s.repeat * copies }, () =>
          events.map((e) => deliver(e.handler, structuredClone(e.event), e.label)),
        ).flat(),
      );
      timeline.push(`${clockText()}    (${events.length} event(s) × ${s.repeat} delivered concurrently)`);
      report();
    }
    for (let r = 0; r < (s.concurrent ? 0 : s.repeat); r++) {
      if (r > 0)
        timeline.push(
          `${clockText()}  …the same ${events.length === 1 ? 'event' : `${events.length} events`} delivered again (duplicate #${r})`,
        );
      for (const e of shuffle(events)) await deliver(e.handler, structuredClone(e.event), e.label);
      report();
    }
    if (s.sweep) {
      for (let c = 1; c < copies; c++) await deliver(handlers.sweep, {}, 'sweeper');
      await deliver(handlers.sweep, {}, 'sweeper');
      report();
    }
    if (events.length > 0) previous = events;
  }
  timeline.push(
    '',
    [
      summary(world, decisions.decisions),
      ...rollback.summary(),
      ...guarded.summary(decisions.decisions, world.actions),
    ].join('\n'),
  );

  return {
    scenario: scenario.name,
    actions: world.actions.map(({ service, operation, input, at }) => ({ service, operation, input, at })),
    decisions: decisions.decisions.map(({ kind, subject, outcome, reasons, at, actions }) => {
      const withheld = (actions ?? [])
        .filter((a) => a.status === 'withheld')
        .map(({ service, operation, target, why }) => ({ service, operation, target, ...(why ? { why } : {}) }));
      return { kind, subject, outcome, reasons, at, ...(withheld.length ? { withheld } : {}) };
    }),
    records: decisions.decisions.map((d) => structuredClone(d)),
    timeline,
    deliveries,
    state: { policy, clock, ledger, runs, rollback: rollback.store, killSwitch: guarded.killSwitch, decisions },
  };
}

/** Each item `copies` times: first copies in order, extra copies at seeded random later places. */
function withDuplicates(copies: number, seed: number) {
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: reproducible without a dependency.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return <T>(items: T[]): T[] => {
    if (copies === 1) return items;
    const out = [...items];
    items.forEach((item) => {
      for (let c = 1; c < copies; c++) {
        const first = out.indexOf(item);
        const at = first + 1 + Math.floor(random() * (out.length - first));
        out.splice(at, 0, item);
      }
    });
    return out;
  };
}

function uploadEvents(
  via: z.output<typeof upload>['via'],
  objects: ObjectRef[],
  where: () => envelopes.Where,
  handler: Handler,
) {
  const label = `${objects.length} object event(s) via ${via}`;
  switch (via) {
    case 'eventbridge':
      return objects.map((o) => ({ handler, event: envelopes.s3EventBridgeEvent(o, where()), label }));
    case 'notification':
      return objects.map((o) => ({ handler, event: envelopes.s3Notification([o], where()), label }));
    case 'sns':
      return objects.map((o) => ({
        handler,
        event: envelopes.snsEvent(envelopes.s3Notification([o], where()), where()),
        label,
      }));
    case 'sqs':
    case 'sns-sqs': {
      const out = [];
      for (let i = 0; i < objects.length; i += 10) {
        const bodies = objects.slice(i, i + 10).map((o) => {
          const w = where();
          const notification = envelopes.s3Notification([o], w);
          return { id: w.id, body: via === 'sqs' ? notification : envelopes.snsNotification(notification, w) };
        });
        out.push({ handler, event: envelopes.sqsEvent(bodies, where()), label });
      }
      return out;
    }
  }
}

function routeEvent(event: Record<string, unknown>, h: { data: Handler; finished: Handler }): Handler {
  const source = event.source;
  if (
    source === 'aws.codepipeline' ||
    (source === 'aws.sagemaker' && String(event['detail-type']).includes('Pipeline Execution'))
  )
    return h.finished;
  return h.data;
}

function describeInput(a: Action): string {
  const i = a.input as Record<string, unknown>;
  if (a.operation === 'StartPipelineExecution') {
    const name = i.name ?? i.PipelineName;
    const params = (i.variables ?? i.PipelineParameters) as Array<Record<string, string>> | undefined;
    const manifest = params?.find((p) => /manifest/i.test(p.name ?? p.Name ?? ''));
    return `${name} manifest=${manifest?.value ?? manifest?.Value} token=${String(i.clientRequestToken ?? i.ClientRequestToken).slice(0, 8)}…`;
  }
  if (a.operation === 'PutObject') return `s3://${i.Bucket}/${i.Key}`;
  const gate = gatesSim.describeGateAction(a);
  if (gate) return gate;
  return JSON.stringify(i).slice(0, 120);
}

function summary(world: MemoryWorld, decisions: Decision[]): string {
  const count = (kind: string) => decisions.filter((d) => d.kind === kind).length;
  const lines = [
    'Summary',
    `  pipeline executions started: ${world.executions.length} (${world.actions.filter((a) => a.operation === 'StartPipelineExecution').length} start calls)`,
    `  batches closed: ${count('retraining.batch')}, quarantined: ${count('retraining.quarantine')}, deferrals: ${count('retraining.defer')}, ignored deliveries: ${count('retraining.ignore')}`,
  ];
  lines.push(...gatesSim.gatesSummary(decisions));
  for (const e of world.executions)
    lines.push(
      `  ${e.kind} ${e.pipeline} ${e.id.split('/').at(-1)} ${e.status} manifest=${Object.entries(e.values).find(([k]) => /manifest/i.test(k))?.[1]}`,
    );
  return lines.join('\n');
}
