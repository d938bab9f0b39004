import fc from 'fast-check';
import { ControllerError } from '../../../functions/domain/errors';
import { fixtureNames, loadFixture } from '../../support/fixtures';
import { targetFor, type FuzzWorld } from '../../support/fuzz-targets';

/**
 * Malformed and mutated versions of every real fixture, delivered to the handler that receives it
 * in production, each on a fresh memory world. FUZZ_RUNS (default 600) and FUZZ_SEED reproduce a run;
 * a failure prints the seed and the shrunk counterexample.
 *
 * What is intended, per mutation class:
 *   rejecting (wrong account, wrong region, unknown detail-type, not an event at all): no action;
 *   structural (a field missing, of the wrong type, a huge string, unicode text): no action beyond
 *     those the intact fixture causes (per AWS operation, at most as many);
 * and for every class: no unhandled rejection, nothing thrown but a ControllerError with a message;
 * a rejected event always leaves a trace someone can see: a decision record, a log line with the
 * reason, or the thrown error.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

type Path = Array<string | number>;
const fixtures = fixtureNames();
const POLICY_ACCOUNTS = /(?<!\d)(123456789012|111122223333)(?!\d)/g;
const POLICY_REGIONS = /(?<![a-z-])(us-east-1|us-west-2|ca-central-1)(?![a-z0-9-])/g;

function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, Array.isArray(value) ? +k : k]));
  return prefix.length ? [prefix, ...children] : children;
}
const stringPaths = (event: unknown) =>
  paths(event).filter((p) => typeof p.reduce<any>((node, k) => node?.[k], event) === 'string');

function setAt(event: any, path: Path, value: unknown, remove = false) {
  const parent = path.slice(0, -1).reduce((node, k) => node[k], event);
  const key = path.at(-1)!;
  if (remove && Array.isArray(parent)) parent.splice(key as number, 1);
  else if (remove) delete parent[key];
  else parent[key] = value;
}

/** Replaces in every string, JSON-encoded SQS/SNS bodies included. */
function replaceEverywhere(value: unknown, pattern: RegExp, by: string): unknown {
  if (typeof value === 'string') return value.replace(pattern, by);
  if (Array.isArray(value)) return value.map((v) => replaceEverywhere(v, pattern, by));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceEverywhere(v, pattern, by)]));
  return value;
}

const REJECTING = ['wrongAccount', 'wrongRegion', 'unknownDetailType', 'notAnEvent'] as const;
const STRUCTURAL = ['missingField', 'wrongType', 'hugeString', 'unicode'] as const;
type MutationClass = (typeof REJECTING)[number] | (typeof STRUCTURAL)[number];

interface Mutation {
  fixture: string;
  kind: MutationClass;
  pick: number;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...STRUCTURAL.map((kind) =>
    fc.record({
      fixture: fc.constantFrom(...fixtures),
      kind: fc.constant(kind),
      pick: fc.nat(),
      value:
        kind === 'wrongType'
          ? fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object())
          : kind === 'hugeString'
            ? fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(Math.ceil(300_000 / s.length)))
            : kind === 'unicode'
              ? fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
              : fc.constant(undefined),
    }),
  ),
  fc.record({
    fixture: fc.constantFrom(...fixtures),
    kind: fc.constantFrom<MutationClass>('wrongAccount', 'wrongRegion'),
    pick: fc.nat(),
    value: fc.constant(undefined),
  }),
  fc.record({
    fixture: fc.constantFrom(...fixtures.filter((f) => 'detail-type' in loadFixture(f))),
    kind: fc.constant<MutationClass>('unknownDetailType'),
    pick: fc.nat(),
    value: fc.string({ maxLength: 60 }),
  }),
  fc.record({
    fixture: fc.constantFrom(...fixtures),
    kind: fc.constant<MutationClass>('notAnEvent'),
    pick: fc.nat(),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
);

function mutate(m: Mutation, event: any): unknown {
  switch (m.kind) {
    case 'missingField': {
      const all = paths(event);
      setAt(event, all[m.pick % all.length]!, undefined, true);
      return event;
    }
    case 'wrongType': {
      const all = paths(event);
      setAt(event, all[m.pick % all.length]!, m.value);
      return event;
    }
    case 'hugeString':
    case 'unicode': {
      const all = stringPaths(event);
      if (all.length) setAt(event, all[m.pick % all.length]!, m.value);
      return event;
    }
    case 'wrongAccount':
      return replaceEverywhere(event, POLICY_ACCOUNTS, '999999999999');
    case 'wrongRegion':
      return replaceEverywhere(event, POLICY_REGIONS, 'ap-south-2');
    case 'unknownDetailType':
      event['detail-type'] = `Unknown ${m.value as string}`;
      return event;
    case 'notAnEvent':
      return m.value;
  }
}

const opCounts = (world: FuzzWorld) => {
  const counts = new Map<string, number>();
  for (const a of world.actions())
    counts.set(`${a.service}:${a.operation}`, (counts.get(`${a.service}:${a.operation}`) ?? 0) + 1);
  return counts;
};

const baselines = new Map<string, Map<string, number>>();
async function baseline(fixture: string) {
  if (!baselines.has(fixture)) {
    const target = targetFor(fixture);
    const world = target.world();
    const event = loadFixture(fixture);
    target.adapt?.(event);
    await world.deliver(event);
    baselines.set(fixture, opCounts(world));
  }
  return baselines.get(fixture)!;
}

describe('fuzz: mutated real fixtures through every handler', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it(`${RUNS} mutations: no unintended action, only ControllerErrors, always a visible outcome`, async () => {
    const tally = new Map<string, { runs: number; actions: number; thrown: number; decisions: number }>();
    const handlers = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const target = targetFor(m.fixture);
        const world = target.world();
        const event = loadFixture(m.fixture);
        target.adapt?.(event);
        const intact = JSON.stringify(event);
        const mutated = mutate(m, event);
        // The hook event names no account or region (CodeDeploy of this account invokes it): unchanged.
        const rejecting = REJECTING.includes(m.kind as never) && JSON.stringify(mutated) !== intact;
        const allowed = rejecting ? new Map<string, number>() : await baseline(m.fixture);
        let thrown: unknown;
        try {
          await world.deliver(mutated);
        } catch (error) {
          thrown = error;
        }
        if (thrown !== undefined) {
          expect(thrown).toBeInstanceOf(ControllerError);
          expect((thrown as Error).message.length).toBeGreaterThan(0);
        }
        for (const [op, n] of opCounts(world))
          expect(`${op} x${n}`).toBe(`${op} x${Math.min(n, allowed.get(op) ?? 0)}`);
        const visible =
          thrown !== undefined || world.actions().length > 0 || world.decisions().length > 0 || world.logged() > 0;
        // A structurally mutated event may still be a valid one (an optional field gone): recorded silently.
        if (rejecting) expect({ ...m, visible }).toEqual({ ...m, visible: true });
        const key = rejecting || !REJECTING.includes(m.kind as never) ? m.kind : `${m.kind} (nothing to change)`;
        const t = tally.get(key) ?? { runs: 0, actions: 0, thrown: 0, decisions: 0 };
        tally.set(key, {
          runs: t.runs + 1,
          actions: t.actions + world.actions().length,
          thrown: t.thrown + (thrown ? 1 : 0),
          decisions: t.decisions + world.decisions().length,
        });
        handlers.add(world.handler);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    expect([...tally.values()].reduce((sum, t) => sum + t.runs, 0)).toBeGreaterThanOrEqual(Math.min(RUNS, 500));
    expect([...handlers].sort()).toEqual(
      [
        'alarmRollback',
        'approvalGate',
        'dataArrived',
        'deploymentHook',
        'endpointTracker',
        'executionFinished',
        'registryGate',
        'stageRetry',
      ].sort(),
    );
    console.info(`fuzz seed ${SEED}: ${JSON.stringify(Object.fromEntries(tally))}`);
  }, 120_000);
});
