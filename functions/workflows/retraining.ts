import type { Policy, RetrainingRule } from '../config/policy';
import { closeVerdict, MAX_OBJECT_BYTES, mayClose } from '../domain/batching';
import { ContentionError, ControllerError } from '../domain/errors';
import { evaluateStart, releaseRunning } from '../domain/guards';
import { buildManifest, manifestKey, startToken } from '../domain/manifest';
import type { ObjectRef } from '../domain/objects';
import { isMarker, routeObject } from '../domain/routing';
import type { Origin } from '../parsing/parsed';
import { checkColumns } from '../domain/schema-check';
import type { BatchLedger, ClosedBatch, OpenBatch } from '../ports/batch-ledger';
import type { Clock } from '../ports/clock';
import type { Decision, DecisionLog } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';
import type { Pipelines } from '../ports/pipelines';
import type { RetrainRequests } from '../ports/retrain-requests';
import { CLAIMABLE, type BatchRecord, type GuardState, type RunStore } from '../ports/run-store';
import { isWithheld } from './hardening';

export interface RetrainingDeps {
  policy: Policy;
  ledger: BatchLedger;
  runs: RunStore;
  objects: ObjectStore;
  pipelines: Pipelines;
  /** Starts alarms asked for (rollback bindings with `retrain`); the sweeper acts on them. */
  requests: RetrainRequests;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

/** A claimed start not recorded after this long is assumed to belong to a crashed invocation. */
const STALE_START_MS = 2 * 60_000;
/** Schema checks read object heads with this much concurrency. */
const HEAD_READ_CONCURRENCY = 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class RetrainingWorkflow {
  constructor(private readonly deps: RetrainingDeps) {}

  private rule(name: string): RetrainingRule | undefined {
    return this.deps.policy.retraining.find((r) => r.name === name);
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private async decide(d: Omit<Decision, 'at'>): Promise<void> {
    const decision = { ...d, at: this.now().toISOString() };
    this.deps.logger.info(`decision ${d.kind} ${d.outcome}`, { subject: d.subject, reasons: d.reasons });
    await this.deps.decisions.record(decision);
  }

  /** Why an event's origin is not ours, or undefined when it is. */
  foreignOrigin(origin: Origin): string | undefined {
    const { accounts, regions } = this.deps.policy.controller;
    if (origin.account && !accounts.includes(origin.account))
      return `account ${origin.account} is not one of ${accounts.join(', ')}`;
    if (origin.region && !regions.includes(origin.region))
      return `region ${origin.region} is not one of ${regions.join(', ')}`;
    return undefined;
  }

  /** Records a delivery we will not act on. */
  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    await this.decide({ kind: 'retraining.ignore', subject, outcome: 'IGNORED', reasons, inputs });
  }

  /** Objects announced by one delivery: record each once, then close and start what is due. */
  async onObjects(objects: readonly ObjectRef[], origin: Origin, deliveryId: string): Promise<void> {
    const foreign = this.foreignOrigin(origin);
    if (foreign) {
      await this.ignore(`delivery/${deliveryId}`, [foreign], { origin, objects: objects.length });
      return;
    }
    const byRule = new Map<string, { rule: RetrainingRule; objects: ObjectRef[]; marker: boolean }>();
    for (const o of objects) {
      if (!Number.isSafeInteger(o.size) || o.size < 0 || o.size > MAX_OBJECT_BYTES) {
        await this.ignore(`s3://${o.bucket}/${o.key}`, [`size ${o.size} is not a plausible object size`], {
          object: o,
          deliveryId,
        });
        continue;
      }
      const route = routeObject(this.deps.policy.retraining, o);
      if (route.kind === 'none') {
        await this.ignore(`s3://${o.bucket}/${o.key}`, [route.reason], { object: o, deliveryId });
        continue;
      }
      const group = byRule.get(route.rule.name) ?? { rule: route.rule, objects: [], marker: false };
      group.objects.push(o);
      group.marker ||= route.kind === 'marker';
      byRule.set(route.rule.name, group);
    }
    for (const { rule, objects: ruleObjects } of byRule.values()) {
      const now = this.now();
      const result = await this.deps.ledger.append(rule.name, ruleObjects, now);
      for (const dup of result.duplicates)
        this.deps.logger.info('duplicate delivery ignored', {
          rule: rule.name,
          object: `s3://${dup.bucket}/${dup.key}`,
        });
      // Duplicates count too: a redelivery after a failed close must be able to close again.
      const sawMarker = ruleObjects.some((o) => isMarker(rule, o));
      if (mayClose(rule, result.open, sawMarker, now))
        await this.tryClose(rule, (open) => mayClose(rule, open, sawMarker, this.now()));
    }
  }

  /** Closes the open batch if its exact members warrant it, then processes it. */
  async tryClose(rule: RetrainingRule, worthTrying?: (open: OpenBatch) => boolean): Promise<ClosedBatch | null> {
    let reason = '';
    const closed = await this.deps.ledger.close(
      rule.name,
      (members, open) => {
        const verdict = closeVerdict(rule, members, open, this.now());
        reason = verdict.reason;
        return verdict.close;
      },
      this.now(),
      worthTrying,
    );
    if (!closed) return null;
    await this.processClosed(rule, closed, reason);
    return closed;
  }

  /** A closed batch: check its schema, write its manifest, record it, start it when allowed. */
  private async processClosed(rule: RetrainingRule, closed: ClosedBatch, reason: string): Promise<void> {
    const subject = `${rule.name}/${closed.seq}`;
    const data = closed.members.filter((m) => !isMarker(rule, m));
    const bytes = data.reduce((s, m) => s + m.size, 0);
    const base: BatchRecord = {
      rule: rule.name,
      seq: closed.seq,
      status: 'CLOSED',
      objects: data.length,
      bytes,
      closedAt: closed.closedAt,
      updatedAt: this.now().toISOString(),
    };
    const objectsInput = { objects: data.length, bytes, firstKeys: data.slice(0, 5).map((m) => m.key) };

    if (data.length === 0) {
      // A marker with nothing before it (a re-written _SUCCESS): nothing to train on.
      if (
        await this.deps.runs.putBatch({
          ...base,
          status: 'QUARANTINED',
          reason: 'empty batch: marker without data objects',
        })
      )
        await this.decide({
          kind: 'retraining.batch',
          subject,
          outcome: 'EMPTY',
          reasons: [reason, 'no data objects: nothing to start'],
          inputs: objectsInput,
        });
      await this.startDue(rule);
      return;
    }
    const problem = await this.schemaProblems(rule, data);
    if (problem.length > 0) {
      if (await this.deps.runs.putBatch({ ...base, status: 'QUARANTINED', reason: problem.join('; ') }))
        await this.decide({
          kind: 'retraining.quarantine',
          subject,
          outcome: 'QUARANTINED',
          reasons: problem,
          inputs: { ...objectsInput, closeReason: reason, schema: rule.schema },
        });
      await this.startDue(rule);
      return;
    }

    const { bucket, prefix } = this.deps.policy.controller.manifests;
    const manifestUri = await this.deps.objects.putJson(
      bucket,
      manifestKey(prefix, rule.name, closed.seq),
      buildManifest(rule.name, closed.seq, closed.closedAt, reason, data),
    );
    if (await this.deps.runs.putBatch({ ...base, manifestUri }))
      await this.decide({
        kind: 'retraining.batch',
        subject,
        outcome: 'CLOSED',
        reasons: [reason],
        inputs: { ...objectsInput, manifestUri },
      });
    await this.startDue(rule);
  }

  /** Schema mismatches across the batch, one line per offending object (capped). */
  private async schemaProblems(rule: RetrainingRule, data: readonly ObjectRef[]): Promise<string[]> {
    const schema = rule.schema;
    if (!schema) return [];
    const findings = await mapLimit(data, HEAD_READ_CONCURRENCY, async (o) => {
      try {
        const head = await this.deps.objects.readHead(o.bucket, o.key, schema.headBytes, o.versionId);
        // A head shorter than asked for is the whole object.
        return { o, finding: checkColumns(schema, head, Buffer.byteLength(head) < schema.headBytes) };
      } catch (cause) {
        if (cause instanceof ControllerError && cause.retryable) throw cause;
        return {
          o,
          finding: { ok: false, missing: [], extra: [], unreadable: `cannot read: ${(cause as Error).message}` },
        };
      }
    });
    const bad = findings.filter((f) => !f.finding.ok);
    const lines = bad.slice(0, 5).map(({ o, finding }) => {
      if (finding.unreadable) return `${o.key}: ${finding.unreadable}`;
      const parts = [];
      if (finding.missing.length) parts.push(`missing columns ${finding.missing.join(', ')}`);
      if (finding.extra.length && !schema.allowExtra) parts.push(`unexpected columns ${finding.extra.join(', ')}`);
      return `${o.key}: ${parts.join('; ')}`;
    });
    if (bad.length > lines.length) lines.push(`…and ${bad.length - lines.length} more objects`);
    return lines;
  }

  /**
   * Starts the rule's next batches while their guards allow, in batch order; defers the next one
   * with the reasons otherwise. Loops to skip quarantined batches and to start what waited for a
   * start this call recorded. Safe to call from any handler at any time.
   */
  async startDue(rule: RetrainingRule): Promise<void> {
    for (let attempt = 0; attempt < 10;) {
      const guard = await this.deps.runs.getGuard(rule.name);
      const batch = await this.deps.runs.getBatch(rule.name, guard.nextSeq);
      if (!batch) return;
      if (!CLAIMABLE.includes(batch.status)) {
        // A quarantined batch never starts: move past it.
        const { version: _v, ...rest } = guard;
        await this.deps.runs.swapGuard(rule.name, guard, { ...rest, nextSeq: guard.nextSeq + 1 });
        attempt += 1;
        continue;
      }
      const known = await this.runState(rule, guard);
      // The last claimed start is not recorded yet: its claimer starts this batch when it has
      // recorded it (after a crash, the sweeper re-issues it first). Claiming now would replace
      // the only record of that start intent.
      if (known.unrecorded) return;
      const now = this.now();
      const verdict = evaluateStart(rule, known.guard, batch.seq, now);
      const subject = `${rule.name}/${batch.seq}`;
      if (verdict.verdict === 'defer') {
        const reason = verdict.reasons.join('; ');
        if (batch.status !== 'DEFERRED' || batch.reason !== reason) {
          const moved = await this.deps.runs.transition(rule.name, batch.seq, [batch.status], {
            status: 'DEFERRED',
            reason,
            updatedAt: now.toISOString(),
          });
          if (moved)
            await this.decide({
              kind: 'retraining.defer',
              subject,
              outcome: 'DEFERRED',
              reasons: verdict.reasons,
              inputs: { guard: known.guard, retryAt: verdict.retryAt },
            });
        }
        return;
      }
      // The claim: one conditional write of the guard (see functions/ports/run-store.ts).
      const claim = { ...verdict.next, starting: { seq: batch.seq, since: now.toISOString() } };
      if (!(await this.deps.runs.swapGuard(rule.name, guard, claim))) {
        attempt += 1;
        continue;
      }
      await this.launch(rule, batch, verdict.reasons);
      // A closer that found this start unrecorded left its batch to us (it wrote the batch record
      // before it read the guard, and we recorded the start before this read: one of us sees the
      // other). Nothing there: done, without reading the guard again.
      if (!(await this.deps.runs.getBatch(rule.name, batch.seq + 1))) return;
    }
    this.deps.logger.warn('startDue gave up after repeated contention', { rule: rule.name });
  }

  /**
   * What the guard alone does not say: the running batch's execution id (on its batch record, so
   * a start costs no second guard write), and the claimed start whose batch is not STARTED yet.
   */
  private async runState(
    rule: RetrainingRule,
    guard: GuardState,
  ): Promise<{ guard: GuardState; unrecorded?: { batch: BatchRecord; since: string } }> {
    const reads = new Map<number, Promise<BatchRecord | undefined>>();
    const read = (seq: number) => {
      if (!reads.has(seq)) reads.set(seq, this.deps.runs.getBatch(rule.name, seq));
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
      ...(starting && claimed && CLAIMABLE.includes(claimed.status)
        ? { unrecorded: { batch: claimed, since: starting.since } }
        : {}),
    };
  }

  /**
   * Issues the start of a claimed batch and records it. Re-issuing after a crash (or racing a slow
   * first attempt) sends the same token, so the pipeline answers with the same execution, and only
   * the caller whose STARTED transition applies records the decision.
   */
  private async launch(rule: RetrainingRule, batch: BatchRecord, reasons: string[]): Promise<void> {
    const manifestUri = batch.manifestUri ?? (await this.rebuildManifest(rule, batch));
    const token = startToken(rule.name, batch.seq);
    const executionId = await this.deps.pipelines.start({
      target: rule.target,
      token,
      manifestUri,
      batchId: `${rule.name}-${batch.seq}`,
    });
    const recorded = await this.deps.runs.transition(rule.name, batch.seq, CLAIMABLE, {
      status: 'STARTED',
      executionId,
      manifestUri,
      reason: undefined,
      updatedAt: this.now().toISOString(),
    });
    if (!recorded) return;
    await this.decide({
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
      },
    });
    // A withheld start (observe mode, kill switch) never runs: free the rule as its end would.
    if (isWithheld(executionId)) await this.onExecutionFinished(rule.target, executionId, 'WITHHELD', token);
  }

  private async rebuildManifest(rule: RetrainingRule, batch: BatchRecord): Promise<string> {
    const members = (await this.deps.ledger.members(rule.name, batch.seq)).filter((m) => !isMarker(rule, m));
    const { bucket, prefix } = this.deps.policy.controller.manifests;
    return this.deps.objects.putJson(
      bucket,
      manifestKey(prefix, rule.name, batch.seq),
      buildManifest(rule.name, batch.seq, batch.closedAt, 'rebuilt after interruption', members),
    );
  }

  /**
   * Starts a rule's target now for a reason other than data (an alarm), through the same guards and
   * the same conditional guard swap as a batch start: cooldown, daily cap and exclusivity apply,
   * and concurrent callers cannot both claim. No batch: the pipeline receives the manifest variable
   * set to `none` and (where the target names one) the batch-id variable/parameter set to
   * `reasonId` (e.g. `alarm-<name>`), so it knows to retrain on the data it already has. The
   * guard's `running.seq` is -1 (no batch); its terminal event releases the guard like any other run. `token` makes a redelivery return the same execution. `context`
   * goes into the decision's inputs (who asked, and when).
   */
  async startNow(
    ruleName: string,
    reasonId: string,
    reason: string,
    token: string,
    context: Record<string, unknown> = {},
  ): Promise<{ outcome: 'STARTED' | 'DEFERRED' | 'UNKNOWN'; reasons: string[]; executionId?: string }> {
    const rule = this.rule(ruleName);
    if (!rule) return { outcome: 'UNKNOWN', reasons: [`no retraining rule named ${ruleName}`] };
    for (let attempt = 0; attempt < 5; attempt++) {
      const guard = await this.deps.runs.getGuard(rule.name);
      const now = this.now();
      const subject = `${rule.name}/${reasonId}`;
      // Our own claim, from a sweep that died before (or just after) the start: the guards already
      // let it through once, and the token keeps a start that did happen from starting twice.
      const resumed = guard.running?.seq === -1 && guard.running.token === token;
      let reasons = ['re-issued: the start was claimed by an interrupted sweep'];
      if (!resumed) {
        const verdict = evaluateStart(rule, (await this.runState(rule, guard)).guard, guard.nextSeq, now);
        if (verdict.verdict === 'defer') {
          await this.decide({
            kind: 'retraining.defer',
            subject,
            outcome: 'DEFERRED',
            reasons: [reason, ...verdict.reasons],
            inputs: { ...context, guard, retryAt: verdict.retryAt },
          });
          return { outcome: 'DEFERRED', reasons: verdict.reasons };
        }
        const { version: _v, ...rest } = guard;
        const running = { seq: -1, since: now.toISOString(), token };
        if (!(await this.deps.runs.swapGuard(rule.name, guard, { ...verdict.next, nextSeq: rest.nextSeq, running })))
          continue;
        reasons = verdict.reasons;
      }
      const executionId = await this.deps.pipelines.start({
        target: rule.target,
        token,
        manifestUri: 'none',
        batchId: reasonId,
      });
      for (let i = 0; i < 5; i++) {
        const g = await this.deps.runs.getGuard(rule.name);
        if (g.running?.seq !== -1 || g.running.executionId) break;
        const { version: _gv, ...r } = g;
        if (await this.deps.runs.swapGuard(rule.name, g, { ...r, running: { ...g.running, executionId } })) break;
      }
      await this.decide({
        kind: 'retraining.start',
        subject,
        outcome: 'STARTED',
        reasons: [reason, ...reasons],
        inputs: { ...context, target: `${rule.target.type}:${rule.target.name}`, executionId, token },
      });
      // A withheld start (observe mode, kill switch) never runs and never ends: free the rule as
      // launch() does for a batch, or an exclusive rule would wait maxRunSeconds for it.
      if (isWithheld(executionId)) await this.onExecutionFinished(rule.target, executionId, 'WITHHELD', token);
      return { outcome: 'STARTED', reasons, executionId };
    }
    throw new ContentionError(`retraining rule ${rule.name}: guard kept changing; retry the delivery`);
  }

  /** A pipeline execution ended: free the rules it was blocking and start what waits. */
  async onExecutionFinished(
    target: { type: 'codepipeline' | 'sagemaker'; name: string },
    executionId: string,
    status: string,
    eventId: string,
  ): Promise<void> {
    // SageMaker writes pipeline names into ARNs in lower case ("Ranking-Training" has the ARN
    // .../pipeline/ranking-training), and its names are unique case-insensitively.
    const sameName =
      target.type === 'sagemaker'
        ? (name: string) => name.toLowerCase() === target.name.toLowerCase()
        : (name: string) => name === target.name;
    const rules = this.deps.policy.retraining.filter((r) => r.target.type === target.type && sameName(r.target.name));
    if (rules.length === 0) {
      await this.ignore(
        `execution/${executionId}`,
        [`${target.type} pipeline ${target.name} is not a retraining target`],
        {
          eventId,
          status,
        },
      );
      return;
    }
    for (const rule of rules) {
      for (let i = 0; i < 5; i++) {
        const guard = await this.deps.runs.getGuard(rule.name);
        const running = (await this.runState(rule, guard)).guard.running;
        if (!running || running.executionId !== executionId) break;
        if (await this.deps.runs.swapGuard(rule.name, guard, releaseRunning(guard))) {
          await this.decide({
            kind: 'retraining.release',
            subject: `${rule.name}/${running.seq}`,
            outcome: status,
            reasons: [`execution ${executionId} ended ${status}`],
            inputs: { eventId },
          });
          break;
        }
      }
      await this.startDue(rule);
    }
  }

  /**
   * The timer: closes quiet batches, re-issues starts a crash interrupted, records batches whose
   * close was committed but not processed, and starts deferred batches whose guard cleared.
   */
  async sweep(): Promise<void> {
    const failures: unknown[] = [];
    for (const rule of this.deps.policy.retraining) {
      // One rule's failure must not starve the others; the sweep still fails so it is visible.
      await this.sweepRule(rule).catch((error: unknown) => {
        this.deps.logger.error('sweep failed for rule', { rule: rule.name, error: String(error) });
        failures.push(error);
      });
    }
    if (failures.length > 0) throw failures[0];
  }

  private async sweepRule(rule: RetrainingRule): Promise<void> {
    // Recovery only processes batches the ledger already closed, so this read of the open batch
    // still holds for the quiet/marker check after it.
    const open = await this.deps.ledger.open(rule.name);
    await this.recoverUnprocessed(rule, open);
    // A marker whose close failed is among the pending objects: let the exact check find it.
    if (mayClose(rule, open, rule.trigger.marker !== undefined, this.now())) await this.tryClose(rule);
    const { unrecorded } = await this.runState(rule, await this.deps.runs.getGuard(rule.name));
    if (unrecorded && this.now().getTime() - Date.parse(unrecorded.since) > STALE_START_MS)
      await this.launch(rule, unrecorded.batch, ['re-issued after an interrupted start']);
    await this.startDue(rule);
    if (this.deps.policy.rollback.some((b) => b.retrain === rule.name)) await this.startRequested(rule);
  }

  /**
   * Starts what alarms asked for (functions/ports/retrain-requests.ts), after the rule's batches
   * had their turn, through the same guards as any start. Each request is taken by one sweep and
   * settled with its outcome; a deferred one is not retried (as when the alarm function started
   * retraining itself): the alarm's next ALARM episode asks again. A sweep that fails between take
   * and settle leaves the request to be taken again once the take goes stale; its start token
   * makes a start that did happen return the same execution.
   */
  private async startRequested(rule: RetrainingRule): Promise<void> {
    for (const r of await this.deps.requests.pending(rule.name, this.now())) {
      if (!(await this.deps.requests.take(rule.name, r.token, this.now()))) continue;
      const result = await this.startNow(rule.name, r.batchId, r.reason, r.token, {
        requestedBy: `${r.binding}/${r.alarm}`,
        requestedAt: r.requestedAt,
      });
      await this.deps.requests.settle(rule.name, r.token, result.outcome, this.now(), result.executionId);
    }
  }

  private async recoverUnprocessed(rule: RetrainingRule, open: OpenBatch): Promise<void> {
    const guard = await this.deps.runs.getGuard(rule.name);
    for (let seq = guard.nextSeq; seq < open.nextSeq; seq++) {
      if (await this.deps.runs.getBatch(rule.name, seq)) continue;
      const members = await this.deps.ledger.members(rule.name, seq);
      await this.processClosed(
        rule,
        { rule: rule.name, seq, members, closedAt: this.now().toISOString() },
        'recovered: closed by an interrupted invocation',
      );
    }
  }
}
