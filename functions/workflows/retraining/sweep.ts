import type { RetrainingRule } from '../../config/policy';
import { mayClose } from '../../domain/batching';
import type { OpenBatch } from '../../ports/batch-ledger';
import type { RetrainingFlow } from './flow';
import { processClosed, tryClose } from './ingest';
import { onSchedule } from './schedule';
import { launch, runState, startDue, startNow } from './starts';

/** A claimed start not recorded after this long is assumed to belong to a crashed invocation. */
const STALE_START_MS = 2 * 60_000;

/**
 * The timer: closes quiet batches and scheduled ones (trigger.schedule), re-issues starts a crash interrupted, records batches whose
 * close was committed but not processed, and starts deferred batches whose guard cleared.
 */
export async function sweep(flow: RetrainingFlow): Promise<void> {
  const failures: unknown[] = [];
  for (const rule of flow.policy.retraining) {
    // One rule's failure must not starve the others; the sweep still fails so it is visible.
    await sweepRule(flow, rule).catch((error: unknown) => {
      flow.logger.error('sweep failed for rule', { rule: rule.name, error: String(error) });
      failures.push(error);
    });
  }
  if (failures.length > 0) throw failures[0];
}

async function sweepRule(flow: RetrainingFlow, rule: RetrainingRule): Promise<void> {
  // Recovery only processes batches the ledger already closed, so this read of the open batch
  // still holds for the quiet/marker check after it.
  const open = await flow.ledger.open(rule.name);
  await recoverUnprocessed(flow, rule, open);
  // A marker whose close failed is among the pending objects: let the exact check find it.
  if (mayClose(rule, open, rule.trigger.marker !== undefined, flow.now())) await tryClose(flow, rule);
  await onSchedule(flow, rule);
  const { unrecorded } = await runState(flow, rule, await flow.runs.getGuard(rule.name));
  if (unrecorded && flow.now().getTime() - Date.parse(unrecorded.since) > STALE_START_MS)
    await launch(flow, rule, unrecorded.batch, ['re-issued after an interrupted start']);
  await startDue(flow, rule);
  if (flow.policy.rollback.some((b) => b.retrain === rule.name)) await startRequested(flow, rule);
}

/**
 * Starts what alarms asked for (functions/ports/retrain-requests.ts), after the rule's batches
 * had their turn, through the same guards as any start. Each request is taken by one sweep and
 * settled with its outcome; a deferred one is not retried (as when the alarm function started
 * retraining itself): the alarm's next ALARM episode asks again. A sweep that fails between take
 * and settle leaves the request to be taken again once the take goes stale; its start token
 * makes a start that did happen return the same execution.
 */
async function startRequested(flow: RetrainingFlow, rule: RetrainingRule): Promise<void> {
  for (const r of await flow.requests.pending(rule.name, flow.now())) {
    if (!(await flow.requests.take(rule.name, r.token, flow.now()))) continue;
    const result = await startNow(flow, rule.name, r.batchId, r.reason, r.token, {
      requestedBy: `${r.binding}/${r.alarm}`,
      requestedAt: r.requestedAt,
    });
    await flow.requests.settle(rule.name, r.token, result.outcome, flow.now(), result.executionId);
  }
}

async function recoverUnprocessed(flow: RetrainingFlow, rule: RetrainingRule, open: OpenBatch): Promise<void> {
  const guard = await flow.runs.getGuard(rule.name);
  for (let seq = guard.nextSeq; seq < open.nextSeq; seq++) {
    if (await flow.runs.getBatch(rule.name, seq)) continue;
    const members = await flow.ledger.members(rule.name, seq);
    await processClosed(
      flow,
      rule,
      { rule: rule.name, seq, members, closedAt: flow.now().toISOString() },
      'recovered: closed by an interrupted invocation',
    );
  }
}
