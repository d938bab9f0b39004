/**
 * Batches re-formed under a changed trigger: every recorded batch's arrivals (functions/domain/
 * arrivals.ts), and ignored objects the new policy would route, appended one at a time in arrival
 * order through the same mayClose and closeVerdict the ingest workflow uses. A quiet close happens
 * at the last arrival plus quietSeconds (the sweeper's minute is not modelled: a batch the sweeper
 * closed a little later had no object arrive meanwhile, or it would hold it).
 */
import type { RetrainingRule } from '../config/policy';
import type { Decision } from '../ports/decision-log';
import type { OpenBatch } from '../ports/batch-ledger';
import { decodeArrivals, ruleRoute, type Arrivals, type RuleRoute } from './arrivals';
import { closeVerdict, mayClose } from './batching';
import type { ObjectRef } from './objects';
import { isMarker, routeObject } from './routing';
import type { Judged, Redecided } from './whatif';
import { asRecorded } from './whatif-records';

interface Member {
  at: number;
  size: number;
  key: string;
  marker: boolean;
  /** The recorded batch (its record's index) or ignored object it comes from. */
  origin: number;
}

export interface FormedBatch extends Judged {
  kind: 'retraining.batch' | 'retraining.quarantine';
  rule: string;
  members: Member[];
  /** No recorded batch had exactly these members. */
  unmatched: boolean;
  /** When it closes (ISO): the append or quiet close that closed it; the replay's end for an OPEN one. */
  at: string;
  /** Its data objects and their bytes (markers not counted), as the reasons state them. */
  objects: number;
  bytes: number;
  /** The close verdict's reason (for an OPEN batch, why it did not close). */
  closeReason: string;
}

const BATCH_KINDS = new Set(['retraining.batch', 'retraining.quarantine']);

export function replayBatches(
  records: readonly Decision[],
  rules: readonly RetrainingRule[],
  end: Date,
): { redecided: Redecided[]; formed: FormedBatch[] } {
  const redecided: Redecided[] = [];
  const formed: FormedBatch[] = [];
  const batchRecords = records
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => BATCH_KINDS.has(r.kind) && r.outcome !== 'IGNORED');
  const byRule = new Map<string, { r: Decision; i: number }[]>();
  for (const b of batchRecords) {
    const name = b.r.subject.slice(0, b.r.subject.lastIndexOf('/'));
    byRule.set(name, [...(byRule.get(name) ?? []), b]);
  }
  const base = (r: Decision, index: number) => ({ index, ...asRecorded(r) });

  // Objects the recorded policy routed nowhere, with what each needs to be batched.
  const ignored = records
    .map((r, i) => ({ r, i, o: (r.inputs as { object?: ObjectRef }).object }))
    .filter(({ r, o }) => r.kind === 'retraining.ignore' && o?.key !== undefined && o.bucket !== undefined);

  const routedTo = new Map<number, string>();
  for (const { r, i, o } of ignored) {
    const routed = routeObject(rules, o!);
    if (routed.kind === 'none')
      redecided.push({ ...base(r, i), after: { outcome: 'IGNORED', reasons: [routed.reason] }, flipped: false });
    else routedTo.set(i, routed.rule.name);
  }
  // A rule may get objects only the new policy routes to it, with no batch recorded.
  for (const name of routedTo.values()) if (!byRule.has(name)) byRule.set(name, []);

  for (const [name, recorded] of byRule) {
    const rule = rules.find((x) => x.name === name);
    if (!rule) {
      for (const { r, i } of recorded)
        redecided.push({
          ...base(r, i),
          after: { outcome: 'IGNORED', reasons: [`the policy has no retraining rule ${name}`] },
          flipped: true,
        });
      continue;
    }
    const route = ruleRoute(rule);
    const members: Member[] = [];
    let lacking: string | undefined;
    for (const { r, i } of recorded) {
      const problem = arrivalsProblem(r, route);
      if (problem) {
        lacking ??= `${r.subject}: ${problem}`;
        continue;
      }
      const inputs = r.inputs as { arrivals: Extract<Arrivals, { runs: unknown }>; firstKeys?: string[] };
      let data = 0;
      for (const a of decodeArrivals(inputs.arrivals)) {
        const key = a.key ?? inputs.firstKeys?.[data] ?? `${rule.source.prefix}… object ${data + 1} of ${r.subject}`;
        if (!a.marker) data += 1;
        members.push({ at: a.at, size: a.size, key, marker: a.marker, origin: i });
      }
    }
    if (lacking !== undefined) {
      for (const { r, i } of recorded)
        redecided.push({
          ...base(r, i),
          missing: `the batches of ${name} cannot be re-formed: ${lacking}`,
          flipped: false,
        });
      continue;
    }
    for (const { r, i, o } of ignored) {
      if (routedTo.get(i) !== name) continue;
      const routed = routeObject(rules, o!);
      if (routed.kind === 'none') continue;
      const at = o!.eventTime === undefined ? Number.NaN : Date.parse(o!.eventTime);
      if (Number.isNaN(at)) {
        redecided.push({ ...base(r, i), missing: 'the ignored object has no event time', flipped: false });
        continue;
      }
      redecided.push({
        ...base(r, i),
        after: { outcome: 'ROUTED', reasons: [`now routed to retraining rule ${name} (${routed.kind})`] },
        flipped: true,
      });
      members.push({ at, size: o!.size, key: o!.key, marker: routed.kind === 'marker', origin: i });
    }
    members.sort((a, b) => a.at - b.at || Number(a.marker) - Number(b.marker));
    const batches = formBatches(rule, members, end, records);
    formed.push(...batches);
    for (const { r, i } of recorded) redecided.push(compare(base(r, i), i, batches, records));
  }
  return { redecided, formed };
}

function arrivalsProblem(r: Decision, route: RuleRoute): string | undefined {
  const inputs = r.inputs as { arrivals?: Arrivals; route?: RuleRoute; truncated?: unknown };
  if (inputs.truncated !== undefined) return 'its inputs were truncated to fit the record';
  if (!inputs.arrivals) return 'the record holds no arrival times (recorded before whatif)';
  if ('omitted' in inputs.arrivals) return `its arrivals were not recorded: ${inputs.arrivals.omitted}`;
  const was = inputs.route;
  if (!was) return 'the record does not say which source and marker formed it';
  if (was.bucket !== route.bucket || was.prefix !== route.prefix || was.suffix !== route.suffix)
    return 'the rule owns other objects now (source changed) and the record holds only its first keys';
  if (was.marker !== route.marker) return 'the marker changed and the record holds only its first keys';
  if (was.schema !== route.schema) return 'the schema check changed and the record holds no object heads';
  return undefined;
}

/** One object per append, as a delivery of one record appends it, closing as the ingest workflow would. */
function formBatches(rule: RetrainingRule, members: readonly Member[], end: Date, records: readonly Decision[]) {
  const out: FormedBatch[] = [];
  let pending: Member[] = [];
  const open = (): OpenBatch => {
    const data = pending.filter((m) => !m.marker);
    const last = pending.at(-1);
    return {
      pendingObjects: pending.length,
      pendingBytes: data.reduce((s, m) => s + m.size, 0),
      ...(last ? { lastArrivalAt: new Date(last.at).toISOString() } : {}),
      nextSeq: out.length,
    };
  };
  const refs = () => pending.map((m): ObjectRef => ({ bucket: rule.source.bucket, key: m.key, size: m.size }));
  const tryClose = (now: Date, sawMarker: boolean) => {
    if (!mayClose(rule, open(), sawMarker, now)) return;
    const verdict = closeVerdict(rule, refs(), open(), now);
    if (!verdict.close) return;
    out.push(batchOf(rule, pending, verdict.reason, now, records));
    pending = [];
  };
  const quietClose = (until: number) => {
    const q = rule.trigger.quietSeconds;
    const last = pending.at(-1);
    if (q === undefined || !last || last.at + q * 1000 > until) return;
    tryClose(new Date(last.at + q * 1000), false);
  };
  for (const m of members) {
    quietClose(m.at);
    pending.push(m);
    tryClose(new Date(m.at), isMarker(rule, { bucket: rule.source.bucket, key: m.key, size: m.size }));
  }
  quietClose(end.getTime());
  if (pending.length > 0) {
    const why = closeVerdict(rule, refs(), open(), end).reason;
    out.push({
      kind: 'retraining.batch',
      rule: rule.name,
      members: pending,
      at: end.toISOString(),
      ...dataOf(pending),
      closeReason: why,
      outcome: 'OPEN',
      reasons: [`${pending.length} objects still pending at ${end.toISOString()}: ${why}`],
      unmatched: true,
    });
  }
  return out;
}

const dataOf = (members: readonly Member[]) => {
  const data = members.filter((m) => !m.marker);
  return { objects: data.length, bytes: data.reduce((s, m) => s + m.size, 0) };
};

/** The batch's outcome: a quarantined batch's objects still break the schema wherever they go whole. */
function batchOf(
  rule: RetrainingRule,
  members: Member[],
  reason: string,
  now: Date,
  records: readonly Decision[],
): FormedBatch {
  const origins = [...new Set(members.map((m) => m.origin))];
  const quarantined = origins.find((o) => records[o]?.kind === 'retraining.quarantine');
  const data = dataOf(members);
  const size = `${data.objects} objects, ${data.bytes} bytes`;
  const base = { rule: rule.name, members, unmatched: false, at: now.toISOString(), closeReason: reason, ...data };
  if (data.objects === 0)
    return {
      ...base,
      kind: 'retraining.batch',
      outcome: 'EMPTY',
      reasons: [reason, 'no data objects: nothing to start'],
    };
  if (quarantined !== undefined)
    return {
      ...base,
      kind: 'retraining.quarantine',
      outcome: 'QUARANTINED',
      reasons: [`${size}; holds the objects of ${records[quarantined]!.subject}`, ...records[quarantined]!.reasons],
    };
  return { ...base, kind: 'retraining.batch', outcome: 'CLOSED', reasons: [`${reason} (${size})`] };
}

function compare(
  base: Omit<Redecided, 'after' | 'flipped'>,
  origin: number,
  batches: FormedBatch[],
  records: readonly Decision[],
): Redecided {
  const holding = batches.filter((b) => b.members.some((m) => m.origin === origin));
  const own = (b: FormedBatch) => b.members.filter((m) => m.origin === origin).length;
  const whole = holding.length === 1 && holding[0]!.members.every((m) => m.origin === origin);
  if (whole) {
    const { outcome, reasons } = holding[0]!;
    return { ...base, after: { outcome, reasons }, flipped: outcome !== base.before.outcome };
  }
  for (const b of holding) b.unmatched = true;
  if (holding.length === 1) {
    const b = holding[0]!;
    const others = [...new Set(b.members.map((m) => m.origin).filter((o) => o !== origin))]
      .map((o) => records[o]!.subject)
      .join(', ');
    return {
      ...base,
      after: { outcome: b.outcome, reasons: [`merged with ${others} into one batch`, ...b.reasons] },
      flipped: true,
    };
  }
  // A quarantined batch split in parts: which of its objects broke the schema is not recorded.
  if (records[origin]?.kind === 'retraining.quarantine')
    return {
      ...base,
      missing: `split in ${holding.length}, and the record does not say which of its objects broke the schema`,
      flipped: true,
    };
  return {
    ...base,
    after: {
      outcome: 'SPLIT',
      reasons: [
        `split in ${holding.length}: ${holding.map(own).join(' + ')} of its members`,
        ...holding.map((b) => `${b.outcome}: ${b.reasons[0]}`),
      ],
    },
    flipped: true,
  };
}
