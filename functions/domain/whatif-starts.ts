/**
 * Starts and deferrals again under changed guards: cooldown, daily cap and exclusivity through the
 * functions the start workflow decides with (nextStart for a batch, requestedStart for an alarm's
 * or a schedule's start), on the guard each decision read (`guard`: the last start, the starts of
 * its day, the run still running and since when). The guard holds the recorded runs; once a
 * decision of a rule flips, the runs after it differ (a run that did not start, or one that did and
 * whose real duration no record holds), so the rule's later decisions say so instead of guessing.
 *
 * A start observe mode withheld counted in the guard like any other (last start, starts of its
 * day) and freed it at once; one the new modes would make runs for as long as it would have run,
 * which no record says. The rule's later decisions are decided with it still running and with it
 * ended: when both agree, that is the answer; when not, the record says it depends on that
 * duration. A start the new modes would withhold frees the guard at once: its run is taken out.
 * A deferral for want of a CodeBuild slot stands when the guards let the start through: the slots
 * are the account's, shared with other rules' builds.
 */
import type { RetrainingRule } from '../config/policy';
import type { Decision } from '../ports/decision-log';
import type { BatchRecord, GuardState } from '../ports/run-store';
import { nextStart, requestedStart } from './starts';
import { asRecorded, lacking, type Redecision } from './whatif-records';

const KINDS = new Set(['retraining.start', 'retraining.defer']);

/** The rule and the batch (or the request) a start's subject names: `rule/seq` or `rule/reason-id`. */
function subjectOf(subject: string): { rule: string; seq?: number } {
  const slash = subject.lastIndexOf('/');
  const tail = subject.slice(slash + 1);
  return { rule: subject.slice(0, slash), ...(/^\d+$/.test(tail) ? { seq: Number(tail) } : {}) };
}

interface StartInputs {
  truncated?: string;
  guard?: GuardState;
  token?: string;
  slots?: boolean;
  objects?: number;
  bytes?: number;
}

/** A start whose run the new modes change: `runs` (it was withheld, now made) or not (made, now withheld). */
export interface RunChange {
  runs: boolean;
}

/** What a changed run does to the guards the rule's later decisions read: the guards to decide on. */
type Alternatives = { why: string; guards: (g: GuardState) => GuardState[] };

function alternativesFor(
  record: Decision,
  inputs: StartInputs & { executionId?: string },
  seq: number | undefined,
  change: RunChange,
): Alternatives {
  const mine = (g: GuardState) =>
    g.running !== undefined &&
    (inputs.executionId !== undefined && g.running.executionId !== undefined
      ? g.running.executionId === inputs.executionId
      : seq !== undefined
        ? g.running.seq === seq
        : g.running.token === inputs.token);
  if (!change.runs)
    return {
      why: `the start ${record.subject} at ${record.at} would be withheld, freeing the rule at once`,
      guards: (g) => {
        if (!mine(g)) return [g];
        const { running: _running, ...rest } = g;
        return [rest];
      },
    };
  const running = {
    seq: seq ?? -1,
    since: record.at,
    ...(inputs.executionId ? { executionId: inputs.executionId } : {}),
  };
  return {
    why: `whether the run of ${record.subject} (withheld at ${record.at}, made under the new policy) was still running decides it, and its real duration is not recorded`,
    // Still running, or ended: a later run's guard already names that run instead.
    guards: (g) => (g.running ? [g] : [{ ...g, running }, g]),
  };
}

/**
 * Re-decides each start and deferral of `records`, by index. `changed`: starts whose run the new
 * modes make or withhold (whatif-actions.ts), which the rule's later decisions depend on.
 */
export function redecideStarts(
  records: readonly Decision[],
  rules: readonly RetrainingRule[],
  changed: ReadonlyMap<number, RunChange> = new Map(),
  /** Batches (`rule/seq`) the new policy forms otherwise (split, merged): their starts are other starts. */
  reformed: ReadonlySet<string> = new Set(),
): Map<number, Redecision> {
  const out = new Map<number, Redecision>();
  /** Per rule: the first decision whose run differs under the new policy beyond what the records hold. */
  const diverged = new Map<string, string>();
  /** Per rule: a changed run the later guards are decided with. */
  const pending = new Map<string, Alternatives>();
  records.forEach((record, index) => {
    if (!KINDS.has(record.kind)) return;
    const base = asRecorded(record);
    const { rule: name, seq } = subjectOf(record.subject);
    const inputs = record.inputs as StartInputs & { executionId?: string };
    const since = diverged.get(name);
    if (since !== undefined)
      return out.set(
        index,
        lacking(
          base,
          `${since}, so the runs this decision's guard counted differ, and their real durations are not recorded`,
        ),
      );
    if (seq !== undefined && reformed.has(record.subject)) {
      diverged.set(name, `batch ${record.subject} is formed otherwise under the new policy`);
      return out.set(
        index,
        lacking(
          base,
          `the new policy forms batch ${record.subject} otherwise (split or merged), and the starts of the batches it forms instead are not modelled`,
        ),
      );
    }
    const alternatives = pending.get(name);
    const guards = inputs.guard && alternatives ? alternatives.guards(inputs.guard) : [inputs.guard];
    const decided = guards.map((guard) => redecideOne(record, name, seq, { ...inputs, guard }, rules));
    const r = decided[0];
    if (!r) return;
    if (decided.some((d) => d?.after?.outcome !== r.after?.outcome)) {
      diverged.set(name, `${record.subject} at ${record.at} depends on a run's real duration`);
      return out.set(index, lacking(base, alternatives!.why));
    }
    out.set(index, r);
    // A start that happens replaces the run the guard names.
    if (r.after?.outcome === 'STARTED') pending.delete(name);
    if (r.flipped)
      diverged.set(name, `${record.subject} at ${record.at} flips (${record.outcome} → ${r.after?.outcome})`);
    const change = changed.get(index);
    if (change) pending.set(name, alternativesFor(record, inputs, seq, change));
  });
  return out;
}

function redecideOne(
  record: Decision,
  name: string,
  seq: number | undefined,
  inputs: StartInputs,
  rules: readonly RetrainingRule[],
): Redecision | undefined {
  const base = asRecorded(record);
  if (inputs.truncated !== undefined) return lacking(base, 'its inputs were truncated to fit the record');
  const rule = rules.find((r) => r.name === name);
  if (!rule)
    return { ...base, after: { outcome: 'IGNORED', reasons: [`no retraining rule named ${name}`] }, flipped: true };
  const guard = inputs.guard;
  if (!guard)
    return lacking(
      base,
      'the record does not hold the guard it was decided on (a start re-issued or released by a person, or recorded before whatif)',
    );
  const now = new Date(record.at);
  let verdict: { outcome: 'STARTED' | 'DEFERRED'; reasons: string[] };
  if (seq !== undefined) {
    const batch: BatchRecord = {
      rule: name,
      seq,
      status: 'CLOSED',
      objects: inputs.objects ?? 0,
      bytes: inputs.bytes ?? 0,
      closedAt: record.at,
      updatedAt: record.at,
    };
    const next = nextStart(rule, guard, batch, { guard }, now);
    if (next.phase !== 'start' && next.phase !== 'defer') return undefined;
    verdict = { outcome: next.phase === 'start' ? 'STARTED' : 'DEFERRED', reasons: next.reasons };
  } else {
    const next = requestedStart(rule, guard, guard, inputs.token ?? '', now);
    // The request's own reason (the alarm, the schedule) comes first, as the workflow writes it.
    const why = record.reasons.slice(0, 1);
    verdict = { outcome: next.phase === 'defer' ? 'DEFERRED' : 'STARTED', reasons: [...why, ...next.reasons] };
  }
  if (inputs.slots && verdict.outcome === 'STARTED')
    return {
      ...base,
      after: {
        outcome: record.outcome,
        reasons: [
          ...record.reasons,
          'the guards let it through; CodeBuild slots are not re-decided (they are shared with other rules)',
        ],
      },
      flipped: false,
    };
  return { ...base, after: verdict, flipped: verdict.outcome !== record.outcome };
}
