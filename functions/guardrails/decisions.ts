/**
 * The decision log every workflow is given, around the store's own: it completes each decision
 * (id, policy version, the actions taken or withheld since the previous decision, recording
 * time), stores it, publishes it to EventBridge, notifies SNS by severity, and counts it.
 *
 * A write-ahead decision (commit) has each planned write judged when it is committed (modes, kill
 * switch) and recorded so; the write guard then carries out exactly that verdict when the
 * workflow makes the call. The kill switch is checked inside the commit itself (the log holds it,
 * wired when it was built: no read of its own, and no cache delay).
 *
 * Each record takes the guard's journal: the writes made since the previous record.
 */
import { randomUUID } from 'node:crypto';
import type { Policy } from '../config/policy';
import { writeKey } from '../domain/writes';
import type { Clock } from '../ports/clock';
import type { DecisionEvents } from '../ports/decision-events';
import type {
  ActionRecord,
  CommittedDecision,
  Decision,
  DecisionClaim,
  DecisionLog,
  PlannedWrite,
} from '../ports/decision-log';
import { noMetrics, type DecisionMetrics } from '../ports/decision-metrics';
import type { Notifier } from '../ports/notifier';
import { observeWhy, pausedWhy } from './guard-writes';
import type { WriteGuard } from './guard-writes';

/** Outcomes a person hears about whatever `decisions.routine` says. */
const NOTEWORTHY = /REJECT|HOLD|ROLL|QUARANTIN|FREEZE|FROZEN|FAIL|OBSERVE|STALE/i;

export interface DecisionsDeps {
  policy: Policy;
  events?: DecisionEvents;
  notifier?: Notifier;
  metrics?: DecisionMetrics;
  clock: Clock;
  onDecision?: (decision: Decision) => void;
  newId?: () => string;
  /** The guard whose journal each record takes; its policyVersion is read at each decision. */
  guard: WriteGuard & { policyVersion: string };
}

export class ExplainedDecisions {
  constructor(private readonly deps: DecisionsDeps) {}

  /** The explaining decision log: complete, store, then publish, notify and count. */
  log(inner: DecisionLog): DecisionLog {
    const commit = (
      decision: Decision,
      claim: DecisionClaim,
      planned: readonly PlannedWrite[],
      // Every commit is held to the switch here (its options are this layer's to set).
    ): Promise<CommittedDecision | undefined> => this.commit(inner, decision, claim, planned);
    return {
      record: async (decision) => {
        const explained = this.explain(decision);
        // Stored first: the record is the source of truth, the event and the notice follow it. A
        // failed publish fails the invocation, and the retried delivery records the decision again.
        await inner.record(explained);
        await this.announce(explained);
      },
      taken: (key) => inner.taken(key),
      commit: commit as DecisionLog['commit'],
    };
  }

  /** Completes a decision: id, policy version, the writes since the previous one, recording time. */
  private explain(decision: Decision, planned: readonly ActionRecord[] = []): Decision {
    const { guard } = this.deps;
    const actions = guard.journal;
    guard.journal = [];
    const id = decision.id ?? guard.spareId ?? (this.deps.newId ?? randomUUID)();
    guard.spareId = undefined;
    const explained: Decision = {
      ...decision,
      id,
      // Read now: `simulate` changes the policy (and so its version) between events.
      policyVersion: guard.policyVersion,
      actions: [...(decision.actions ?? []), ...actions, ...planned],
      recordedAt: this.deps.clock.now().toISOString(),
    };
    this.deps.onDecision?.(explained);
    return explained;
  }

  /** After the record is stored: the event and the notice follow it, and the counts. */
  private async announce(d: Decision): Promise<void> {
    await this.deps.events?.publish([d]);
    await this.notify(d);
    this.count(d);
  }

  private async commit(
    inner: DecisionLog,
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    paused?: string,
  ): Promise<CommittedDecision | undefined> {
    const { guard, policy } = this.deps;
    const verdicts = planned.map((p) => ({ key: writeKey(p), p, why: observeWhy(policy, p.target) ?? paused }));
    const stamped: ActionRecord[] = verdicts.map(({ p, why }) => ({
      service: p.service,
      operation: p.operation,
      target: p.resource,
      ...(why === undefined ? { status: 'taken' as const } : { status: 'withheld' as const, why }),
    }));
    const earlier = guard.journal;
    const explained = this.explain(decision, stamped);
    // Only a decision that makes a write must wait for the switch; one that withholds them all is
    // recorded whatever it says.
    const result = await inner.commit(explained, claim, [], {
      unlessPaused: verdicts.some((v) => v.why === undefined),
    });
    if (!result || 'paused' in result) {
      // Nothing was stored: the earlier writes go to the next record, and so does the id
      // (simulate numbers decisions, and its runs must repeat exactly).
      guard.journal = [...earlier, ...guard.journal];
      if (decision.id === undefined) guard.spareId = explained.id;
      if (!result) return undefined;
      // Paused: the same decision, its writes withheld, recorded without the switch's condition.
      return this.commit(inner, decision, claim, planned, pausedWhy(result.paused) ?? 'paused');
    }
    for (const { key, why } of verdicts) guard.committed.set(key, [...(guard.committed.get(key) ?? []), { why }]);
    // Done or failed: verdicts the workflow left unused must not judge later writes.
    const forget = () => verdicts.forEach(({ key }) => guard.committed.delete(key));
    return {
      done: async () => {
        forget();
        await result.done();
        await this.announce(explained);
      },
      fail: async (error) => {
        forget();
        await result.fail(error);
      },
    };
  }

  private async notify(d: Decision): Promise<void> {
    const { topicArn, routine } = this.deps.policy.controller.decisions;
    if (!topicArn || !this.deps.notifier) return;
    const withheld = (d.actions ?? []).some((a) => a.status === 'withheld');
    if (!routine && !withheld && !NOTEWORTHY.test(d.outcome)) return;
    const lines = [
      `${d.kind} ${d.outcome}: ${d.subject}`,
      '',
      ...d.reasons,
      '',
      ...(d.actions ?? []).map(
        (a) => `${a.status} ${a.service} ${a.operation} ${a.target}${a.why ? ` (${a.why})` : ''}`,
      ),
      '',
      `decision ${d.id} at ${d.at}, policy ${d.policyVersion}`,
    ];
    await this.deps.notifier.notify(topicArn, `mlops-controller ${d.kind} ${d.outcome}`, lines.join('\n'));
  }

  private count(d: Decision): void {
    const metrics = this.deps.metrics ?? noMetrics;
    metrics.count('Decisions', { Kind: d.kind, Outcome: d.outcome });
    for (const a of d.actions ?? [])
      metrics.count('Actions', { Operation: `${a.service}:${a.operation}`, Status: a.status });
  }
}
