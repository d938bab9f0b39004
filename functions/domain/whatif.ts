/**
 * What a changed policy would have decided, from the decision records alone: each kind's inputs
 * go back through the same domain functions the Lambda functions decide with (gates here,
 * batching in whatif-batching.ts, rollbacks in whatif-rollback.ts, starts and deferrals in
 * whatif-starts.ts, lifecycle hooks in whatif-hooks.ts, stage retries in whatif-stage-retry.ts,
 * and what observe mode withholds in whatif-actions.ts). Nothing is read from AWS; a record that
 * lacks an input the new policy needs says so (`missing`) instead of being guessed.
 */
import type { Policy } from '../config/policy';
import type { Gate, GateCheck } from '../config/policy-gates';
import type { Decision } from '../ports/decision-log';
import { packageGroupName } from './arns';
import { decideGate, evaluateCheck, isRelative, summarize, type CheckResult, type Reading } from './gates';
import type { ActionRecord } from '../ports/decision-log';
import { gateEvidence } from './gate-steps';
import { redecideActions } from './whatif-actions';
import { replayBatches, type FormedBatch } from './whatif-batching';
import { redecideHook } from './whatif-hooks';
import { asRecorded, lacking, type Redecision } from './whatif-records';
import { redecideRollback } from './whatif-rollback';
import { redecideStageRetries } from './whatif-stage-retry';
import { redecideStarts } from './whatif-starts';

export interface Judged {
  outcome: string;
  reasons: string[];
  /** The inputs the decision would record (a gate's checks under the new bounds), where it differs. */
  inputs?: Record<string, unknown>;
}

export interface Redecided {
  /** The record's position in the records replayed. */
  index: number;
  kind: string;
  subject: string;
  at: string;
  before: Judged;
  /** What the new policy decides; absent when `missing` says which input the record lacks. */
  after?: Judged;
  missing?: string;
  /** The decision differs (outcome, for a batch its members, or whether its writes are made). */
  flipped: boolean;
  /** The record's writes (taken or withheld) and the same under the new policy's modes, when they differ. */
  actions?: { before: ActionRecord[]; after: ActionRecord[] };
}

export interface KindCounts {
  kind: string;
  before: Record<string, number>;
  /** Undefined for a kind whatif does not re-decide. */
  after?: Record<string, number>;
  /** Records of this kind that lack an input the new policy needs. */
  missing: number;
}

export interface WhatIf {
  counts: KindCounts[];
  /** Every re-decided record, in record order (batches: each recorded batch). */
  redecided: Redecided[];
  /** Batches the new policy forms that no recorded batch matches exactly (splits, merges, new ones). */
  batches: (Judged & { rule: string })[];
  /** Every batch the new policy forms, in order per rule (members left out): the re-decided batches. */
  formed: Omit<FormedBatch, 'members'>[];
}

const BATCH_KINDS: ReadonlySet<string> = new Set(['retraining.batch', 'retraining.quarantine']);

/**
 * Kinds re-decided here; the rest (releases, alarm states, failures explained, operators' own
 * decisions) are counted only, though their writes are judged again under the new modes.
 */
export const REDECIDED_KINDS = [
  'gate.registry',
  'gate.approval',
  'retraining.batch',
  'retraining.quarantine',
  'retraining.start',
  'retraining.defer',
  'rollback.hook',
  'rollback.stage-retry',
  'rollback.freeze',
  'rollback.codedeploy',
  'rollback.endpoint',
  'rollback.package',
  'rollback.retrain',
] as const;

const REDECIDED: ReadonlySet<string> = new Set(REDECIDED_KINDS);

export function whatIf(records: readonly Decision[], policy: Policy, end: Date): WhatIf {
  const redecided: Redecided[] = [];
  // Writes first: a start whose run the new modes make or withhold changes the runs after it.
  const acted = records.map((record) =>
    record.kind === 'rollback.hook' ? undefined : redecideActions(record, policy),
  );
  const runChanged = new Map(
    acted.flatMap((a, i) =>
      a && records[i]!.kind === 'retraining.start'
        ? [[i, { runs: a.after.some((w) => w.status === 'taken') }] as const]
        : [],
    ),
  );
  const replay = replayBatches(records, policy.retraining, end);
  const reformed = new Set(replay.redecided.filter((r) => r.flipped).map((r) => r.subject));
  const starts = redecideStarts(records, policy.retraining, runChanged, reformed);
  const retries = redecideStageRetries(records, policy.stageRetry);
  records.forEach((record, index) => {
    const one =
      (record.kind.startsWith('gate.') ? redecideGate(record, policy.gates) : undefined) ??
      (record.kind === 'rollback.hook' ? redecideHook(record, policy) : undefined) ??
      (record.kind.startsWith('rollback.') ? redecideRollback(record, policy.rollback) : undefined) ??
      starts.get(index) ??
      retries.get(index);
    const actions = acted[index];
    // The writes follow the decision: judged again only where the decision stands as recorded.
    const stands = one === undefined || (one.missing === undefined && one.after?.outcome === record.outcome);
    if (actions && stands) {
      const after = one?.after ?? { outcome: record.outcome, reasons: record.reasons };
      redecided.push({
        ...(one ?? asRecorded(record)),
        index,
        after: { outcome: after.outcome, reasons: [...after.reasons, ...actions.reasons] },
        flipped: true,
        actions: { before: actions.before, after: actions.after },
      });
    } else if (one) redecided.push({ ...one, index });
  });
  redecided.push(...replay.redecided);
  redecided.sort((a, b) => a.index - b.index);

  const counts = new Map<string, KindCounts>();
  const entry = (kind: string) => {
    let c = counts.get(kind);
    if (!c) counts.set(kind, (c = { kind, before: {}, missing: 0 }));
    return c;
  };
  const bump = (tally: Record<string, number>, outcome: string) => (tally[outcome] = (tally[outcome] ?? 0) + 1);
  const byIndex = new Map(redecided.map((r) => [r.index, r]));
  for (const r of redecided) {
    const c = entry(r.kind);
    // A kind counted only may still have writes the new modes judge otherwise: its counts stay as recorded.
    if (REDECIDED.has(r.kind) || r.actions === undefined) c.after ??= {};
    if (r.missing !== undefined) c.missing += 1;
  }
  // Batches are counted as the new policy forms them, every other kind record by record; a record
  // not re-decided (SKIPPED, RETRY, or lacking an input) counts as it was.
  for (const b of replay.formed) bump((entry(b.kind).after ??= {}), b.outcome);
  records.forEach((record, index) => {
    const c = entry(record.kind);
    bump(c.before, record.outcome);
    if (!c.after) return;
    const r = byIndex.get(index);
    if (r?.after === undefined) bump(c.after, record.outcome);
    else if (!BATCH_KINDS.has(record.kind)) bump(c.after, r.after.outcome);
  });
  return {
    counts: [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    redecided,
    batches: replay.formed.filter((b) => b.unmatched).map(({ rule, outcome, reasons }) => ({ rule, outcome, reasons })),
    formed: replay.formed.map(({ members: _members, ...batch }) => batch),
  };
}

/** A recorded check: what the gate wrote into its evidence (functions/workflows/gates.ts). */
interface RecordedCheck {
  metric: string;
  status: string;
  value: number | null;
  champion: number | null;
  threshold?: Record<string, unknown>;
  detail: string;
  from?: string;
  path?: string;
}

const GATE_OUTCOMES = new Set(['APPROVE', 'REJECT', 'HOLD']);
const CHAMPION_PREFIX = 'champion: ';

/**
 * A gate decision again under `gates`: the recorded readings of the challenger and the champion
 * through evaluateCheck and decideGate. Undefined for a record that is no verdict (SKIPPED, RETRY,
 * IGNORED) or one decided before any check ran (no package to judge).
 */
export function redecideGate(record: Decision, gates: readonly Gate[]): Redecision | undefined {
  if (record.kind !== 'gate.registry' && record.kind !== 'gate.approval') return undefined;
  if (!GATE_OUTCOMES.has(record.outcome)) return undefined;
  const inputs = record.inputs;
  const base = asRecorded(record);
  const missing = (what: string) => lacking(base, what);
  if ('truncated' in inputs) return missing('its inputs were truncated to fit the record');
  const pkg = typeof inputs.package === 'string' ? inputs.package : undefined;
  if (pkg === undefined || !Array.isArray(inputs.checks)) return undefined;
  const group = pkg.split(':model-package/')[1]?.split('/')[0] ?? '';

  let gate: Gate | undefined;
  if (record.kind === 'gate.registry') {
    gate = gates.find((g) => packageGroupName(g.modelPackageGroup) === group);
    if (!gate) return judged(base, { outcome: 'IGNORED', reasons: [`no gate for group ${group}`] });
  } else {
    const t = inputs.target as { pipeline?: string; stage?: string; action?: string } | undefined;
    gate = gates.find((g) =>
      g.approvals.some((a) => a.pipeline === t?.pipeline && a.stage === t?.stage && a.action === t?.action),
    );
    if (!gate) return judged(base, { outcome: 'IGNORED', reasons: ['no gate is bound to this approval action'] });
    if (packageGroupName(gate.modelPackageGroup) !== group) {
      const problem = `model package ${pkg} is in group ${group}, not ${gate.modelPackageGroup}`;
      return judged(base, { outcome: 'HOLD', reasons: [`HOLD by gate ${gate.name}: ${problem}`] });
    }
  }

  const recorded = inputs.checks as RecordedCheck[];
  const champion = typeof inputs.champion === 'string' ? inputs.champion : undefined;
  // With no relative check the recorded gate never looked for a champion: none recorded says nothing.
  const lookedForChampion = recorded.some((c) => isRelative((c.threshold ?? {}) as GateCheck));
  const needsChampion = gate.checks.some(isRelative);
  if (needsChampion && champion === undefined && !lookedForChampion)
    return missing(
      'the recorded gate compared nothing with a champion, so the record does not say whether one existed',
    );
  const hasChampion = champion !== undefined;

  const results: CheckResult[] = [];
  for (const check of gate.checks) {
    const r = recorded.find(
      (c) => c.metric === check.metric && (c.from === undefined || (c.from === check.from && c.path === check.path)),
    );
    if (!r) return missing(`no reading of ${check.metric} from ${check.from} ${check.path} is recorded`);
    const challenger = challengerReading(r);
    let championReading: Reading | undefined;
    // evaluateCheck reads the champion only for a challenger with a value.
    if (hasChampion && isRelative(check) && challenger !== undefined && 'value' in challenger) {
      championReading = championOf(r);
      if (!championReading) return missing(`the champion's ${check.metric} is not recorded (it was not compared)`);
    }
    results.push(evaluateCheck(check, challenger, championReading));
  }
  const verdict = decideGate(gate, results, hasChampion);
  const label = champion?.split(':model-package/')[1] ?? champion;
  const limit = record.kind === 'gate.registry' ? 1024 : 512;
  const eventId = typeof inputs.eventId === 'string' ? inputs.eventId : '';
  const evidence = gateEvidence(
    gate,
    { arn: pkg },
    { verdict, ...(hasChampion ? { champion: { arn: champion } } : {}) },
    eventId,
  );
  return judged(base, {
    outcome: verdict.outcome,
    reasons: [summarize(gate, verdict, label, limit)],
    inputs: { ...inputs, ...evidence },
  });
}

function judged(base: ReturnType<typeof asRecorded>, after: Judged): Redecision {
  return { ...base, after, flipped: after.outcome !== base.before.outcome };
}

const isMissingStatus = (s: string): s is 'NODATA' | 'ERROR' => s === 'NODATA' || s === 'ERROR';

/** The challenger's reading: its value, or why it had none (a champion's failure keeps the value). */
function challengerReading(r: RecordedCheck): Reading {
  if (r.value !== null) return { value: r.value };
  return { status: isMissingStatus(r.status) ? r.status : 'NODATA', reason: r.detail };
}

/** The champion's reading as recorded, or undefined when the check did not read it. */
function championOf(r: RecordedCheck): Reading | undefined {
  if (r.champion !== null) return { value: r.champion };
  if (r.value !== null && isMissingStatus(r.status) && r.detail.startsWith(CHAMPION_PREFIX))
    return { status: r.status, reason: r.detail.slice(CHAMPION_PREFIX.length) };
  return undefined;
}
