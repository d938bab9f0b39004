import { readdirSync } from 'node:fs';
import { simulate, type SimulationResult } from '../../../functions/cli/simulate';

/**
 * Every simulate scenario in the repository, run once as written and again with every delivery
 * (events, re-deliveries, sweeper and rollback ticks, concurrent fan-outs) made three times, the
 * extra copies at seeded random places after their original (order between different events is
 * the scenario's causal order and is kept). "Identical effects" means:
 *   actions: the same multiset of {service, operation, input} (decision reports aside, see
 *     isDecisionReport): no call added, none lost, same
 *     inputs (client request tokens and ids included: they derive from the batch, not the delivery);
 *   decisions: every decision of the plain run (kind, subject, outcome, reasons) is also made, and
 *     each extra record is one that answers a duplicate without acting (outcomes below).
 * DUPLICATES_SEEDS (default 2) runs more orders.
 */
const SCENARIOS = readdirSync('test/scenarios')
  .filter((f) => f.endsWith('.yml') && !['rollback-policy.yml', 'canary-policy.yml'].includes(f))
  .map((f) => `test/scenarios/${f}`);
const COPIES = 3;
const SEEDS = Array.from({ length: Number(process.env.DUPLICATES_SEEDS ?? 2) }, (_, i) => 101 + i);
/**
 * How a duplicate is answered without acting: a gate's claim already taken (SKIPPED), a hook
 * execution already answered (DUPLICATE), a run already started for the alarm (DEFERRED), a target
 * already rolling back (WAITING, NOTHING_TO_ROLL_BACK), a delivery not acted upon (IGNORED).
 */
const DUPLICATE_ANSWERS = new Set([
  'SKIPPED',
  'DUPLICATE',
  'DEFERRED',
  'WAITING',
  'NOTHING_TO_ROLL_BACK',
  'ALREADY_ROLLED_BACK',
  'IGNORED',
]);

/**
 * Publishing a decision (EventBridge `Controller Decision`) reports a decision rather than acting on
 * AWS resources: the extra no-action answers to duplicates publish too, and are compared below as
 * decisions.
 */
const isDecisionReport = (a: SimulationResult['actions'][number]) =>
  a.service === 'events' &&
  a.operation === 'PutEvents' &&
  JSON.stringify(a.input).includes('"Source":"mlops.controller"');
const actions = (r: SimulationResult) =>
  r.actions
    .filter((a) => !isDecisionReport(a))
    .map((a) => JSON.stringify({ service: a.service, operation: a.operation, input: a.input }))
    .sort();
const decisionKey = (d: SimulationResult['decisions'][number]) =>
  JSON.stringify([d.kind, d.subject, d.outcome, d.reasons]);

const totals = { scenarios: 0, runs: 0, deliveries: 0, duplicateDeliveries: 0, actions: 0, extraDecisions: 0 };

describe.each(SCENARIOS)('%s delivered three times over, in shuffled order', (file) => {
  let plain: SimulationResult;
  beforeAll(async () => {
    plain = await simulate(file);
    totals.scenarios += 1;
  });

  it.each(SEEDS)('has identical effects (order seed %i)', async (seed) => {
    const dup = await simulate(file, { duplicates: COPIES, seed });
    expect(dup.deliveries).toBeGreaterThanOrEqual(plain.deliveries * COPIES);
    expect(actions(dup)).toEqual(actions(plain));
    const made = new Set(dup.decisions.map(decisionKey));
    expect(plain.decisions.map(decisionKey).filter((k) => !made.has(k))).toEqual([]);
    const original = new Set(plain.decisions.map(decisionKey));
    const extra = dup.decisions.filter((d) => !original.has(decisionKey(d)));
    expect(extra.filter((d) => !DUPLICATE_ANSWERS.has(d.outcome))).toEqual([]);
    totals.runs += 1;
    totals.deliveries += dup.deliveries;
    totals.duplicateDeliveries += dup.deliveries - plain.deliveries;
    totals.actions += dup.actions.length;
    totals.extraDecisions += dup.decisions.length - plain.decisions.length;
  });
});

afterAll(() => console.info(`duplicates x${COPIES}: ${JSON.stringify(totals)}`));
