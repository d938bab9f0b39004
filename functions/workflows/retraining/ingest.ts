import type { RetrainingRule } from '../../config/policy';
import { implausibleSize, schemaProblems } from '../../domain/batch-checks';
import { closeVerdict, mayClose } from '../../domain/batching';
import { ControllerError } from '../../domain/errors';
import { encodeArrivals, ruleRoute } from '../../domain/arrivals';
import { buildManifest, manifestKey } from '../../domain/manifest';
import type { ObjectRef } from '../../domain/objects';
import { isMarker, routeObject } from '../../domain/routing';
import type { Origin } from '../../parsing/parsed';
import { checkColumns } from '../../domain/schema-check';
import type { ClosedBatch, OpenBatch } from '../../ports/batch-ledger';
import type { BatchRecord } from '../../ports/run-store';
import type { RetrainingFlow } from './flow';
import { startDue } from './starts';

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

/** Objects announced by one delivery: record each once, then close and start what is due. */
export async function onObjects(
  flow: RetrainingFlow,
  objects: readonly ObjectRef[],
  origin: Origin,
  deliveryId: string,
): Promise<void> {
  const foreign = flow.recorder.foreignOrigin(origin);
  if (foreign) {
    await flow.recorder.ignore(`delivery/${deliveryId}`, [foreign], { origin, objects: objects.length });
    return;
  }
  const byRule = new Map<string, { rule: RetrainingRule; objects: ObjectRef[]; marker: boolean }>();
  for (const o of objects) {
    const implausible = implausibleSize(o.size);
    if (implausible) {
      await flow.recorder.ignore(`s3://${o.bucket}/${o.key}`, [implausible], { object: o, deliveryId });
      continue;
    }
    const route = routeObject(flow.policy.retraining, o);
    if (route.kind === 'none') {
      await flow.recorder.ignore(`s3://${o.bucket}/${o.key}`, [route.reason], { object: o, deliveryId });
      continue;
    }
    const group = byRule.get(route.rule.name) ?? { rule: route.rule, objects: [], marker: false };
    group.objects.push(o);
    group.marker ||= route.kind === 'marker';
    byRule.set(route.rule.name, group);
  }
  for (const { rule, objects: ruleObjects } of byRule.values()) {
    const now = flow.now();
    const result = await flow.ledger.append(rule.name, ruleObjects, now);
    for (const dup of result.duplicates)
      flow.logger.info('duplicate delivery ignored', {
        rule: rule.name,
        object: `s3://${dup.bucket}/${dup.key}`,
      });
    // Duplicates count too: a redelivery after a failed close must be able to close again.
    const sawMarker = ruleObjects.some((o) => isMarker(rule, o));
    if (mayClose(rule, result.open, sawMarker, now))
      await tryClose(flow, rule, (open) => mayClose(rule, open, sawMarker, flow.now()));
  }
}

/** Closes the open batch if its exact members warrant it, then processes it. */
export async function tryClose(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  worthTrying?: (open: OpenBatch) => boolean,
): Promise<ClosedBatch | null> {
  let reason = '';
  const closed = await flow.ledger.close(
    rule.name,
    (members, open) => {
      const verdict = closeVerdict(rule, members, open, flow.now());
      reason = verdict.reason;
      return verdict.close;
    },
    flow.now(),
    worthTrying,
  );
  if (!closed) return null;
  await processClosed(flow, rule, closed, reason);
  return closed;
}

/** A closed batch: check its schema, write its manifest, record it, start it when allowed. */
export async function processClosed(
  flow: RetrainingFlow,
  rule: RetrainingRule,
  closed: ClosedBatch,
  reason: string,
): Promise<void> {
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
    updatedAt: flow.now().toISOString(),
  };
  // The arrivals let `whatif` re-form the batches under another trigger (functions/domain/arrivals.ts).
  const objectsInput = {
    objects: data.length,
    bytes,
    firstKeys: data.slice(0, 5).map((m) => m.key),
    arrivals: encodeArrivals(closed.members, (m) => isMarker(rule, m)),
    route: ruleRoute(rule),
  };

  if (data.length === 0) {
    // A marker with nothing before it (a re-written _SUCCESS): nothing to train on.
    if (
      await flow.runs.putBatch({
        ...base,
        status: 'QUARANTINED',
        reason: 'empty batch: marker without data objects',
      })
    )
      await flow.recorder.record({
        kind: 'retraining.batch',
        subject,
        outcome: 'EMPTY',
        reasons: [reason, 'no data objects: nothing to start'],
        inputs: objectsInput,
      });
    await startDue(flow, rule);
    return;
  }
  const problem = await schemaCheck(flow, rule, data);
  if (problem.length > 0) {
    if (await flow.runs.putBatch({ ...base, status: 'QUARANTINED', reason: problem.join('; ') }))
      await flow.recorder.record({
        kind: 'retraining.quarantine',
        subject,
        outcome: 'QUARANTINED',
        reasons: problem,
        inputs: { ...objectsInput, closeReason: reason, schema: rule.schema },
      });
    await startDue(flow, rule);
    return;
  }

  const { bucket, prefix } = flow.policy.controller.manifests;
  const manifestUri = await flow.objects.putJson(
    bucket,
    manifestKey(prefix, rule.name, closed.seq),
    buildManifest(rule.name, closed.seq, closed.closedAt, reason, data),
  );
  if (await flow.runs.putBatch({ ...base, manifestUri }))
    await flow.recorder.record({
      kind: 'retraining.batch',
      subject,
      outcome: 'CLOSED',
      reasons: [reason],
      inputs: { ...objectsInput, manifestUri },
    });
  await startDue(flow, rule);
}

/** Reads the head of each data object and words the schema mismatches (domain/batch-checks.ts). */
async function schemaCheck(flow: RetrainingFlow, rule: RetrainingRule, data: readonly ObjectRef[]): Promise<string[]> {
  const schema = rule.schema;
  if (!schema) return [];
  const findings = await mapLimit(data, HEAD_READ_CONCURRENCY, async (o) => {
    try {
      const head = await flow.objects.readHead(o.bucket, o.key, schema.headBytes, o.versionId);
      // A head shorter than asked for is the whole object.
      return { key: o.key, finding: checkColumns(schema, head, Buffer.byteLength(head) < schema.headBytes) };
    } catch (cause) {
      if (cause instanceof ControllerError && cause.retryable) throw cause;
      return {
        key: o.key,
        finding: { ok: false, missing: [], extra: [], unreadable: `cannot read: ${(cause as Error).message}` },
      };
    }
  });
  return schemaProblems(schema, findings);
}
