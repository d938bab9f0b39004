/**
 * `simulate`: runs a scenario (simulate-load.ts) through the real handlers in one simulated world
 * (simulate-world.ts), step by step: each step's kinds (simulate-steps.ts) build its events, which
 * are delivered as AWS would (repeated, concurrent, duplicated); the timeline is simulate-render.ts.
 */
import type { Action } from '../adapters/memory/world';
import type { Policy } from '../config/policy';
import type { Clock } from '../ports/clock';
import type { StatusPorts } from '../wiring/status';
import type { ActionRecord, Decision } from '../ports/decision-log';
import { loadScenario, parseAt, type Step } from './simulate-load';
import { actionLine, decisionLines, plural, summaryLines } from './simulate-render';
import type { StepContext } from './simulate-step';
import { STEP_KINDS } from './simulate-steps';
import { buildWorld, type Delivery, type SimWorld } from './simulate-world';

export { loadScenario, scenarioSchema, ScenarioError } from './simulate-load';

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
  const sim = buildWorld({ policy, seed: scenario.world, start: Date.parse(scenario.start), dir });
  const { clock, world, decisions } = sim;

  const timeline: string[] = [`Scenario: ${scenario.name}`];
  if (scenario.description) timeline.push(scenario.description.trim());
  const clockText = () => clock.now().toISOString().slice(11, 19);
  const note = (text: string) => timeline.push(`${clockText()}    ${text}`);
  let seenActions = 0;
  let seenDecisions = 0;
  const report = () => {
    // Duplicate deliveries record the same decision again; one line with a count reads better.
    const lines = decisions.decisions.slice(seenDecisions).map((d) => decisionLines(d).join('\n'));
    for (let i = 0; i < lines.length;) {
      let n = 1;
      while (lines[i + n] === lines[i]) n += 1;
      timeline.push(n > 1 ? `${lines[i]}  (×${n})` : (lines[i] as string));
      i += n;
    }
    // Each decision's own event adds nothing to the timeline's decision line; the summary counts them.
    for (const a of world.actions.slice(seenActions).filter((a) => a.operation !== 'PutEvents'))
      timeline.push(actionLine(a));
    seenDecisions = decisions.decisions.length;
    seenActions = world.actions.length;
  };
  let deliveries = 0;
  const deliver = async (d: Delivery) => {
    deliveries += 1;
    try {
      const result = (await sim.functions[d.fn](structuredClone(d.event))) as
        { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
      const failures = result?.batchItemFailures ?? [];
      if (failures.length)
        note(`✗ ${d.label}: ${plural(failures.length, 'SQS record')} reported failed (SQS redelivers them)`);
    } catch (error) {
      note(
        `✗ ${d.label}: ${d.fn} invocation failed (${(error as Error).message}); the event would be retried, then dead-lettered`,
      );
    }
  };

  let previous: Delivery[] = [];
  for (const step of scenario.steps) {
    const ctx: StepContext = { sim, note, deliver, report, previous, shuffle, copies, step };
    previous = (await runStep(step, ctx, timeline)) ?? previous;
  }
  timeline.push('', summaryLines(sim).join('\n'));

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
    state: {
      policy,
      clock,
      ledger: sim.ledger,
      runs: sim.runs,
      rollback: sim.rollbackStore,
      killSwitch: sim.killSwitch,
      decisions,
    },
  };
}

/** One step: time passes (ticks), its kinds run in registry order, its events are delivered. */
async function runStep(step: Step, ctx: StepContext, timeline: string[]): Promise<Delivery[] | undefined> {
  const { sim } = ctx;
  const kinds = STEP_KINDS.filter((k) => step[k.key] !== undefined);
  const target = step.at !== undefined ? parseAt(step.at, sim.clock.now().getTime()) : undefined;
  const advanced = target !== undefined && target > sim.clock.now().getTime();
  if (advanced) sim.clock.set(target);
  if (step.say) timeline.push('', `${sim.clock.now().toISOString().slice(11, 19)}  ${step.say}`);
  for (const k of kinds.filter((k) => k.phase === 'before')) await k.run(step[k.key], ctx);
  if (advanced) {
    // Time passed: the per-minute sweeper and the rollback tick have run (once, at the new time).
    for (let c = 0; c < ctx.copies; c++) {
      await ctx.deliver({ fn: 'sweeper', event: {}, label: 'sweeper' });
      await ctx.deliver(sim.tick());
    }
    ctx.report();
  }

  const events: Delivery[] = [];
  for (const k of kinds.filter((k) => k.phase === 'events')) events.push(...((await k.run(step[k.key], ctx)) ?? []));
  if (step.to) for (const e of events) e.fn = step.to;
  if (step.concurrent) {
    // Every copy at once: what at-least-once delivery and fan-out look like to the handlers.
    await Promise.all(Array.from({ length: step.repeat * ctx.copies }, () => events.map((e) => ctx.deliver(e))).flat());
    ctx.note(
      `(${events.length === 1 ? `the ${events[0]!.unit ?? 'event'}` : describe(events)} delivered ${step.repeat * ctx.copies === 1 ? 'once' : `${step.repeat * ctx.copies} times`}, all at once)`,
    );
    ctx.report();
  } else
    for (let r = 0; r < step.repeat; r++) {
      if (r > 0)
        timeline.push(
          `${sim.clock.now().toISOString().slice(11, 19)}  …the same ${events.length === 1 ? (events[0]!.unit ?? 'event') : describe(events)} delivered again (duplicate #${r})`,
        );
      for (const e of ctx.shuffle(events)) await ctx.deliver(e);
      ctx.report();
    }
  for (const k of kinds.filter((k) => k.phase === 'after')) await k.run(step[k.key], ctx);
  return events.length > 0 ? events : undefined;
}

/** "52 SQS batches", "2 events": the unit the deliveries share, events when they differ. */
function describe(events: readonly Delivery[]): string {
  const units = new Set(events.map((e) => e.unit ?? 'event'));
  return plural(events.length, units.size === 1 ? [...units][0]! : 'event');
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

export type { SimWorld };
