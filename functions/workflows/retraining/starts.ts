import type { RetrainingRule } from '../../config/policy';
import { ContentionError } from '../../domain/errors';
import { buildManifest, manifestKey, startToken } from '../../domain/manifest';
import { isMarker } from '../../domain/routing';
import {
  mayStart,
  nextStart,
  recordedExecutionId,
  requestedStart,
  resumesClaim,
  type RunState,
} from '../../domain/starts';
import { CLAIMABLE, type BatchRecord, type GuardState } from '../../ports/run-store';
import { onExecutionFinished } from './finished';
import type { RetrainingFlow } from './flow';
import { bindBuild, giveSlot, takeSlot } from './slots';

/**
 * Starts the rule's next batches while their guards allow, in batch order; defers the next one
 * with the reasons otherwise (domain/starts.ts decides). Loops to skip quarantined batches and to
 * start what waited for a start this call recorded. Safe to call from any handler at any time.
 */
export async function startDue(flow: RetrainingFlow, rule: RetrainingRule): Promise<void> {
  for (let attempt = 0; attempt < 10;) {
    const guard = await flow.runs.getGuard(rule.name);
    const batch = await flow.runs.getBatch(rule.name, guard.nextSeq);
    // A batch that never starts needs no run state read.
    const run = batch && mayStart(batch) ? await runState(flow, rule, guard) : { guard };
    const now = flow.now();
    const next = nextStart(rule, guard, batch, run, now);
    if (next.phase === 'idle' || next.phase === 'wait') return;
    if (next.phase === 'skip') {
      await flow.runs.swapGuard(rule.name, guard, next.next);
      attempt += 1;
      continue;
    }
    const seq = batch!.seq;
    if (next.phase === 'defer') {
      if (next.changed) await defer(flow, rule, batch!, next.reasons, run.guard, next.retryAt);
      return;
    }
    // Before the claim: a start that cannot get a CodeBuild slot stays the rule's next batch.
    const slot = await takeSlot(flow, rule, startToken(rule.name, seq));
    if (!slot.taken) {
      if (batch!.status !== 'DEFERRED' || batch!.reason !== slot.reason)
        await defer(flow, rule, batch!, [slot.reason], run.guard, slot.retryAt, true);
      return;
    }
    // The claim: one conditional write of the guard (see functions/ports/run-store.ts).
    if (!(await flow.runs.swapGuard(rule.name, guard, next.claim))) {
      attempt += 1;
      continue;
    }
    await launch(flow, rule, batch!, next.reasons, run.guard);
    // A closer that found this start unrecorded left its batch to us (it wrote the batch record
    // before it read the guard, and we recorded the start before this read: one of us sees the
    // other). Nothing there: done, without reading the guard again.
    if (!(await flow.runs.getBatch(rule.name, seq + 1))) return;
  }
  flow.logger.warn('startDue gave up after repeated contention', { rule: rule.name });
}

async function defer(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  batch: BatchRecord,
  reasons: string[],
  guard: GuardState,
  retryAt: string | undefined,
  /** Deferred for want of a CodeBuild slot (the guards let it through). */
  bySlots = false,
): Promise<void> {
  const reason = reasons.join('; ');
  const moved = await flow.runs.transition(rule.name, batch.seq, [batch.status], {
    status: 'DEFERRED',
    reason,
    updatedAt: flow.now().toISOString(),
  });
  if (moved)
    await flow.recorder.record({
      kind: 'retraining.defer',
      subject: `${rule.name}/${batch.seq}`,
      outcome: 'DEFERRED',
      reasons,
      inputs: { guard, retryAt, ...(bySlots ? { slots: true } : {}) },
    });
}

/**
 * What the guard alone does not say: the running batch's execution id (on its batch record, so
 * a start costs no second guard write), and the claimed start whose batch is not STARTED yet.
 */
export async function runState(flow: RetrainingFlow, rule: RetrainingRule, guard: GuardState): Promise<RunState> {
  const reads = new Map<number, Promise<BatchRecord | undefined>>();
  const read = (seq: number) => {
    if (!reads.has(seq)) reads.set(seq, flow.runs.getBatch(rule.name, seq));
    return reads.get(seq)!;
  };
  const running = guard.running;
  const runningBatch = running && running.seq >= 0 && !running.executionId ? await read(running.seq) : undefined;
  // Guards written before `starting` existed name their last claim in `running` only (its batch
  // then STARTING until STARTED): read it as the claim, so such a start is re-issued too.
  const starting = guard.starting ?? (running && running.seq >= 0 ? running : undefined);
  const claimed = starting ? await read(starting.seq) : undefined;
  return {
    guard:
      running && runningBatch?.executionId
        ? { ...guard, running: { ...running, executionId: runningBatch.executionId } }
        : guard,
    ...(starting && claimed && mayStart(claimed) ? { unrecorded: { batch: claimed, since: starting.since } } : {}),
  };
}

/**
 * Issues the start of a claimed batch and records it. Re-issuing after a crash (or racing a slow
 * first attempt) sends the same token, so the pipeline answers with the same execution, and only
 * the caller whose STARTED transition applies records the decision.
 */
export async function launch(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  batch: BatchRecord,
  reasons: string[],
  /** The guard the start was decided on (absent: re-issued, or released by a person). */
  guard?: GuardState,
): Promise<void> {
  const manifestUri = batch.manifestUri ?? (await rebuildManifest(flow, rule, batch));
  const token = startToken(rule.name, batch.seq);
  const started = await flow.pipelines.start({
    target: rule.target,
    token,
    manifestUri,
    batchId: `${rule.name}-${batch.seq}`,
  });
  const executionId = recordedExecutionId(started, token);
  if (rule.target.type === 'codebuild' && 'executionId' in started) await bindBuild(flow, token, executionId);
  const recorded = await flow.runs.transition(rule.name, batch.seq, CLAIMABLE, {
    status: 'STARTED',
    executionId,
    manifestUri,
    reason: undefined,
    updatedAt: flow.now().toISOString(),
  });
  if (!recorded) return;
  await flow.recorder.record({
    kind: 'retraining.start',
    subject: `${rule.name}/${batch.seq}`,
    outcome: 'STARTED',
    reasons,
    inputs: {
      target: `${rule.target.type}:${rule.target.name}`,
      executionId,
      manifestUri,
      objects: batch.objects,
      bytes: batch.bytes,
      token,
      // What whatif decides the guards again on (cooldown, daily cap, the run still running).
      ...(guard ? { guard } : {}),
    },
  });
  // A withheld start (observe mode, kill switch) never runs: free the rule as its end would.
  if ('withheld' in started) await withheld(flow, rule, executionId, token);
}

async function withheld(flow: RetrainingFlow, rule: RetrainingRule, executionId: string, token: string): Promise<void> {
  if (rule.target.type === 'codebuild') await giveSlot(flow, token);
  await onExecutionFinished(flow, rule.target, executionId, 'WITHHELD', token);
}

async function rebuildManifest(flow: RetrainingFlow, rule: RetrainingRule, batch: BatchRecord): Promise<string> {
  const members = (await flow.ledger.members(rule.name, batch.seq)).filter((m) => !isMarker(rule, m));
  const { bucket, prefix } = flow.policy.controller.manifests;
  return flow.objects.putJson(
    bucket,
    manifestKey(prefix, rule.name, batch.seq),
    buildManifest(rule.name, batch.seq, batch.closedAt, 'rebuilt after interruption', members),
  );
}

export interface StartNowResult {
  outcome: 'STARTED' | 'DEFERRED' | 'UNKNOWN';
  reasons: string[];
  executionId?: string;
}

/**
 * Starts a rule's target now for a reason other than data (an alarm), through the same guards and
 * the same conditional guard swap as a batch start: cooldown, daily cap and exclusivity apply,
 * and concurrent callers cannot both claim. No batch: the pipeline receives the manifest variable
 * set to `none` and (where the target names one) the batch-id variable/parameter set to
 * `reasonId` (e.g. `alarm-<name>`), so it knows to retrain on the data it already has. The
 * guard's `running.seq` is -1 (no batch); its terminal event releases the guard like any other
 * run. `token` makes a redelivery return the same execution. `context` goes into the decision's
 * inputs (who asked, and when).
 */
export async function startNow(
  flow: RetrainingFlow,
  ruleName: string,
  reasonId: string,
  reason: string,
  token: string,
  context: Record<string, unknown> = {},
  /** A schedule that fired with no new data passes the last batch's manifest (`startWhenEmpty`). */
  manifestUri = 'none',
): Promise<StartNowResult> {
  const rule = flow.rule(ruleName);
  if (!rule) return { outcome: 'UNKNOWN', reasons: [`no retraining rule named ${ruleName}`] };
  for (let attempt = 0; attempt < 5; attempt++) {
    const guard = await flow.runs.getGuard(rule.name);
    const now = flow.now();
    const subject = `${rule.name}/${reasonId}`;
    // A resumed claim needs no run state read.
    const known = resumesClaim(guard, token) ? guard : (await runState(flow, rule, guard)).guard;
    const verdict = requestedStart(rule, guard, known, token, now);
    if (verdict.phase === 'defer') {
      await flow.recorder.record({
        kind: 'retraining.defer',
        subject,
        outcome: 'DEFERRED',
        reasons: [reason, ...verdict.reasons],
        inputs: { ...context, guard: known, retryAt: verdict.retryAt },
      });
      return { outcome: 'DEFERRED', reasons: verdict.reasons };
    }
    if (verdict.phase === 'start') {
      const slot = await takeSlot(flow, rule, token);
      if (!slot.taken) {
        await flow.recorder.record({
          kind: 'retraining.defer',
          subject,
          outcome: 'DEFERRED',
          reasons: [reason, slot.reason],
          inputs: { ...context, guard: known, retryAt: slot.retryAt, slots: true },
        });
        return { outcome: 'DEFERRED', reasons: [slot.reason] };
      }
      if (!(await flow.runs.swapGuard(rule.name, guard, verdict.claim))) continue;
    }
    const { reasons } = verdict;
    const started = await flow.pipelines.start({
      target: rule.target,
      token,
      manifestUri,
      batchId: reasonId,
    });
    const executionId = recordedExecutionId(started, token);
    if (rule.target.type === 'codebuild' && 'executionId' in started) await bindBuild(flow, token, executionId);
    for (let i = 0; i < 5; i++) {
      const g = await flow.runs.getGuard(rule.name);
      if (g.running?.seq !== -1 || g.running.executionId) break;
      const { version: _gv, ...r } = g;
      if (await flow.runs.swapGuard(rule.name, g, { ...r, running: { ...g.running, executionId } })) break;
    }
    await flow.recorder.record({
      kind: 'retraining.start',
      subject,
      outcome: 'STARTED',
      reasons: [reason, ...reasons],
      inputs: {
        ...context,
        target: `${rule.target.type}:${rule.target.name}`,
        executionId,
        token,
        ...(manifestUri === 'none' ? {} : { manifestUri }),
        guard: known,
      },
    });
    // A withheld start (observe mode, kill switch) never runs and never ends: free the rule as
    // launch() does for a batch, or an exclusive rule would wait maxRunSeconds for it.
    if ('withheld' in started) await withheld(flow, rule, executionId, token);
    return { outcome: 'STARTED', reasons, executionId };
  }
  throw new ContentionError(`retraining rule ${rule.name}: guard kept changing; retry the delivery`);
}
