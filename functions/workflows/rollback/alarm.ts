import type { RollbackBinding } from '../../config/policy-rollback';
import {
  alarmFreshness,
  alarmResponse,
  anyFresh,
  stepFailureReason,
  type RollbackStep,
} from '../../domain/alarm-response';
import type { AlarmChange } from '../../parsing/alarm';
import { ContentionError, ControllerError } from '../../domain/errors';
import { needsTags, selects } from '../../domain/rollback';
import { rollbackCodeDeploy } from './codedeploy';
import { rollbackEndpoint } from './endpoint';
import { freeze, noteOk } from './freeze';
import { reasonText, type Incident, type RollbackFlow } from './flow';
import { rejectLive } from './reject';

async function bindingsFor(
  flow: RollbackFlow,
  change: AlarmChange,
): Promise<{ bindings: RollbackBinding[]; tags?: Record<string, string> }> {
  const all = flow.policy.rollback;
  let tags: Record<string, string> | undefined;
  // One ListTagsForResource, only when a tag-bound binding has not already matched by name.
  if (change.arn && needsTags(all, change.name)) tags = await flow.alarms.tags(change.arn);
  return { bindings: all.filter((b) => selects(b, change.name, tags)), ...(tags ? { tags } : {}) };
}

/** An alarm changed state: record it; on ALARM, run each fresh binding's response. */
export async function onAlarm(flow: RollbackFlow, change: AlarmChange): Promise<void> {
  const subject = `alarm/${change.name}`;
  const foreign = flow.recorder.foreignOrigin(change);
  if (foreign) return flow.recorder.ignore(subject, [foreign], { via: change.via, id: change.id });
  const { bindings, tags } = await bindingsFor(flow, change);
  if (bindings.length === 0)
    return flow.recorder.ignore(subject, [`no rollback binding selects alarm ${change.name}`], {
      state: change.state,
    });
  if (change.state !== 'ALARM') {
    await flow.recorder.record({
      kind: 'rollback.alarm',
      subject,
      outcome: change.state,
      reasons: [
        `${change.name} is ${change.state}${change.previous ? ` (was ${change.previous})` : ''}: recorded, no action`,
      ],
      inputs: { via: change.via, since: change.since, reason: change.reason, bindings: bindings.map((b) => b.name) },
    });
    if (change.state === 'OK') await noteOk(flow, bindings, change.since);
    return;
  }
  const fresh = await freshBindings(flow, change, bindings);
  const failures: unknown[] = [];
  for (const binding of fresh) {
    // One binding's failure must not keep the others from acting; the delivery still fails.
    await act(flow, binding, change, tags).catch((error: unknown) => {
      flow.logger.error('rollback binding failed', { binding: binding.name, error: String(error) });
      failures.push(error);
    });
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * The bindings a late or outdated ALARM may still act for. The delivery is checked against the
 * alarm's current state (one DescribeAlarms) and each binding's age limit; the rest are STALE.
 */
async function freshBindings(
  flow: RollbackFlow,
  change: AlarmChange,
  bindings: RollbackBinding[],
): Promise<RollbackBinding[]> {
  const ageSeconds = Math.floor((flow.now().getTime() - Date.parse(change.since)) / 1000);
  // The alarm is read back only when some binding would still act on a delivery this old.
  const current = anyFresh(bindings, ageSeconds)
    ? ((await flow.alarms.states([change.name])).get(change.name) ?? 'unknown to CloudWatch')
    : undefined;
  const fresh: RollbackBinding[] = [];
  for (const binding of bindings) {
    const freshness = alarmFreshness(binding, change.name, ageSeconds, current);
    if (freshness.phase === 'fresh') {
      fresh.push(binding);
      continue;
    }
    await flow.recorder.record({
      kind: 'rollback.alarm',
      subject: `${binding.name}/alarm/${change.name}`,
      outcome: 'STALE',
      reasons: [`${reasonText(change)}: ${freshness.reason}; recorded, no action`],
      inputs: { via: change.via, id: change.id, since: change.since, ageSeconds, ...(current ? { current } : {}) },
    });
  }
  return fresh;
}

const STEPS: Record<
  RollbackStep,
  (flow: RollbackFlow, binding: RollbackBinding, change: AlarmChange, incident: Incident) => Promise<void>
> = {
  freeze: (flow, binding, change) => freeze(flow, binding, change),
  codedeploy: rollbackCodeDeploy,
  endpoint: rollbackEndpoint,
  reject: rejectLive,
};

/**
 * The response to one alarm episode, as independent steps in the order domain/alarm-response.ts
 * gives. Each effect is a committed decision with its own claim, so a retried or concurrent
 * delivery finds the steps already done held and does the rest; what the rollback found is kept
 * with the incident before it acts, so the retry still rejects the right package. A step that
 * throws is a FAILED `rollback.step` decision (notified), the later steps still run, and a
 * retryable failure then fails the delivery, whose retry resumes it.
 */
export async function act(
  flow: RollbackFlow,
  binding: RollbackBinding,
  change: AlarmChange,
  tags?: Record<string, string>,
): Promise<void> {
  // Every step's record names what selected the binding and how old the alarm was: whatif re-asks
  // domain/rollback.ts `selects` and domain/alarm-response.ts `alarmFreshness` with them.
  flow = { ...flow, recorder: flow.recorder.with({ trigger: triggerEvidence(flow, change, tags) }) };
  const response = alarmResponse(binding);
  // Asking for retraining is one write: its failure is the delivery's.
  if (response.phase === 'retrain') return retrain(flow, binding, change, response.rule);
  const incident: Incident = { id: `${binding.name}#${change.name}#${change.since}`, found: [] };
  const retry: unknown[] = [];
  for (const step of response.steps) {
    try {
      await STEPS[step](flow, binding, change, incident);
    } catch (error) {
      if (await stepFailed(flow, binding, change, incident, step, error)) retry.push(error);
    }
  }
  if (retry.length > 0) throw retry[0];
}

/** Records a step that threw; true when the delivery must be retried for it. */
async function stepFailed(
  flow: RollbackFlow,
  binding: RollbackBinding,
  change: AlarmChange,
  incident: Incident,
  step: RollbackStep,
  error: unknown,
): Promise<boolean> {
  const message = error instanceof Error ? error.message : String(error);
  flow.logger.error('rollback step failed', { binding: binding.name, step, error: message });
  // A lost race on a claim: nothing failed, the retried delivery decides again.
  if (error instanceof ContentionError) return true;
  const retryable = !(error instanceof ControllerError) || error.retryable;
  await flow.recorder
    .record({
      kind: 'rollback.step',
      subject: `${binding.name}/${step}`,
      outcome: 'FAILED',
      reasons: [reasonText(change), stepFailureReason(step, message, retryable)],
      inputs: { step, incident: incident.id, retryable },
    })
    .catch((recording: unknown) =>
      // The step's error still fails the delivery (when retryable) and is logged above.
      flow.logger.error('could not record the failed step', { step, error: String(recording) }),
    );
  return retryable;
}

/**
 * A retraining binding records a request rather than starting the pipeline: starting needs the
 * retraining path (S3 manifests, the batch ledger's run store, both pipeline services), which the
 * sweeper carries and this function need not. One conditional write per alarm transition, keyed
 * by (binding, alarm, time it entered ALARM), so every delivery of one transition is one request;
 * the sweeper starts it on its next tick (within a minute) through the rule's guards.
 */
async function retrain(flow: RollbackFlow, binding: RollbackBinding, change: AlarmChange, rule: string): Promise<void> {
  const base = { kind: 'rollback.retrain', subject: `${binding.name}/${rule}` };
  if (!flow.retrainRequests)
    return flow.recorder.record({
      ...base,
      outcome: 'UNAVAILABLE',
      reasons: ['retraining requests are not wired into this function'],
      inputs: {},
    });
  const request = {
    rule,
    token: `alarm-${binding.name}-${change.name}-${change.since}`,
    batchId: `alarm-${change.name}`.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 100),
    binding: binding.name,
    alarm: change.name,
    reason: reasonText(change),
    requestedAt: flow.now().toISOString(),
  };
  const recorded = await flow.retrainRequests.request(request);
  await flow.recorder.record({
    ...base,
    outcome: recorded ? 'REQUESTED' : 'DUPLICATE',
    reasons: [
      reasonText(change),
      recorded
        ? `retraining of ${rule} requested: the sweeper starts it within a minute, through the rule's guards`
        : `retraining of ${rule} was already requested for this ALARM episode`,
    ],
    inputs: { token: request.token, batchId: request.batchId },
  });
}

/** What an alarm-triggered step was triggered by (a person's rollback names who asked instead). */
function triggerEvidence(
  flow: RollbackFlow,
  change: AlarmChange,
  tags: Record<string, string> | undefined,
): Record<string, unknown> {
  if (change.via === 'operator') return { via: 'operator', by: change.by };
  const ageSeconds = Math.floor((flow.now().getTime() - Date.parse(change.since)) / 1000);
  return { via: change.via, alarm: change.name, since: change.since, ageSeconds, ...(tags ? { tags } : {}) };
}
