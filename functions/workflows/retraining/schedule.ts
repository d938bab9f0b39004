import type { RetrainingRule } from '../../config/policy';
import { scheduledStartToken } from '../../domain/manifest';
import { isMarker } from '../../domain/routing';
import { parseSchedule, scheduleVerdict } from '../../domain/schedule';
import type { BatchRecord } from '../../ports/run-store';
import type { RetrainingFlow } from './flow';
import { processClosed } from './ingest';
import { startNow } from './starts';

/** Batches looked back through for the manifest a `startWhenEmpty` start retrains on. */
const LAST_MANIFEST_LOOKBACK = 20;
/** Close attempts while another caller holds the open batch's lease. */
const CLOSE_ATTEMPTS = 3;

/**
 * `trigger.schedule`: at a fire time, close the rule's open batch. The fire time is claimed first
 * by moving the rule's schedule mark (one conditional write), so concurrent sweeps act on it once;
 * a sweep that crashes after the claim loses that fire time rather than repeating it.
 */
export async function onSchedule(flow: RetrainingFlow, rule: RetrainingRule): Promise<void> {
  const expression = rule.trigger.schedule;
  if (expression === undefined) return;
  const parsed = parseSchedule(expression);
  // Validated with the policy; a policy bundled by an older validator is reported, not guessed at.
  if (!parsed.ok) {
    flow.logger.error('schedule expression not understood', { rule: rule.name, problem: parsed.problem });
    return;
  }
  const zone = rule.trigger.timezone ?? 'UTC';
  const mark = await flow.runs.getScheduleMark(rule.name);
  const verdict = scheduleVerdict(parsed.schedule, zone, mark, flow.now());
  if (verdict.phase === 'wait') return;
  if (!(await flow.runs.swapScheduleMark(rule.name, mark, verdict.mark))) return;
  if (verdict.phase === 'arm') {
    flow.logger.info('schedule armed', { rule: rule.name, reason: verdict.reason });
    return;
  }
  const subject = `${rule.name}/schedule-${verdict.fireAt}`;
  const inputs = { schedule: expression, timezone: zone, fireAt: verdict.fireAt, previousMark: mark };

  let hadData = true;
  for (let attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
    const closed = await flow.ledger.close(
      rule.name,
      (members) => (hadData = members.some((m) => !isMarker(rule, m))),
      flow.now(),
    );
    if (closed) {
      await processClosed(flow, rule, closed, verdict.reason);
      return;
    }
    if (!hadData) break;
    const open = await flow.ledger.open(rule.name);
    if (open.pendingObjects === 0) {
      hadData = false;
      break;
    }
    // Another caller holds the lease: it takes what is pending, or gives it back.
    await flow.clock.sleep(250 * (attempt + 1));
  }
  if (hadData) {
    await flow.recorder.record({
      kind: 'retraining.schedule',
      subject,
      outcome: 'SKIPPED',
      reasons: [verdict.reason, `another invocation kept closing the batch through ${CLOSE_ATTEMPTS} attempts`],
      inputs,
    });
    return;
  }
  await onEmpty(flow, rule, subject, verdict.reason, verdict.fireAt, inputs);
}

/** A fire time with no new data: recorded, or (startWhenEmpty) a start on the last manifest. */
async function onEmpty(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  subject: string,
  reason: string,
  fireAt: string,
  inputs: Record<string, unknown>,
): Promise<void> {
  const empty = (why: string) =>
    flow.recorder.record({ kind: 'retraining.schedule', subject, outcome: 'EMPTY', reasons: [reason, why], inputs });
  if (!rule.trigger.startWhenEmpty) {
    await empty('no new data since the last batch: nothing started (trigger.startWhenEmpty is off)');
    return;
  }
  const last = await lastManifest(flow, rule);
  if (!last) {
    await empty(`no new data, and none of the last ${LAST_MANIFEST_LOOKBACK} batches has a manifest to retrain on`);
    return;
  }
  await startNow(
    flow,
    rule.name,
    `schedule-${fireAt.replace(/[-:]|\.\d+/g, '')}`,
    `${reason}; no new data: retraining on batch ${last.seq}'s manifest (trigger.startWhenEmpty)`,
    scheduledStartToken(rule.name, fireAt),
    { ...inputs, lastBatch: last.seq },
    last.manifestUri,
  );
}

async function lastManifest(
  flow: RetrainingFlow,
  rule: RetrainingRule,
): Promise<(BatchRecord & { manifestUri: string }) | undefined> {
  const { nextSeq } = await flow.ledger.open(rule.name);
  for (let seq = nextSeq - 1; seq >= 0 && seq >= nextSeq - LAST_MANIFEST_LOOKBACK; seq--) {
    const batch = await flow.runs.getBatch(rule.name, seq);
    if (batch?.manifestUri && batch.status !== 'QUARANTINED') return batch as BatchRecord & { manifestUri: string };
  }
  return undefined;
}
