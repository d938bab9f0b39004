/**
 * When each member of a closed batch arrived and how big it was, compact enough for a decision
 * record (DynamoDecisionLog keeps items under 4 KB): `whatif` re-forms batches under a changed
 * trigger from this. Data objects are runs `[count, size, offsetMs, stepMs]`: `count` objects of
 * `size` bytes, the first `offsetMs` after `firstAt`, each next one `stepMs` later (an upload storm
 * of equal files is one run). Markers keep their key, as the trigger recognises them by name.
 */
import { createHash } from 'node:crypto';
import type { RetrainingRule } from '../config/policy';
import type { ObjectRef } from './objects';

export type ArrivalRun = [count: number, size: number, offsetMs: number, stepMs: number];

export type Arrivals =
  | { firstAt: string; runs: ArrivalRun[]; markers: [key: string, offsetMs: number][] }
  /** Why the arrivals are not recorded: whatif says so for this batch instead of guessing. */
  | { omitted: string };

/** Room for the arrivals in the record, beside the batch's counts, first keys and manifest. */
export const MAX_ARRIVALS_BYTES = 1_600;

const utf8 = new TextEncoder();

export function encodeArrivals(members: readonly ObjectRef[], isMarker: (o: ObjectRef) => boolean): Arrivals {
  const timed = members.map((m) => ({ m, t: m.eventTime === undefined ? Number.NaN : Date.parse(m.eventTime) }));
  if (timed.length === 0) return { omitted: 'the batch has no members' };
  if (timed.some(({ t }) => Number.isNaN(t))) return { omitted: 'an object of the batch has no event time' };
  // The ledger's order is not the arrival order; a stable sort keeps the ledger's order within a time.
  timed.sort((a, b) => a.t - b.t);
  const first = timed[0]!.t;
  const runs: ArrivalRun[] = [];
  const markers: [string, number][] = [];
  let last: number | undefined;
  for (const { m, t } of timed) {
    const offset = t - first;
    if (isMarker(m)) {
      markers.push([m.key, offset]);
      continue;
    }
    const run = runs.at(-1);
    if (run && run[1] === m.size && (run[0] === 1 || offset - last! === run[3])) {
      if (run[0] === 1) run[3] = offset - run[2];
      run[0] += 1;
    } else runs.push([1, m.size, offset, 0]);
    last = offset;
  }
  const arrivals = { firstAt: new Date(first).toISOString(), runs, markers };
  const bytes = utf8.encode(JSON.stringify(arrivals)).length;
  return bytes <= MAX_ARRIVALS_BYTES
    ? arrivals
    : {
        omitted: `${runs.length} arrival runs and ${markers.length} markers need ${bytes} bytes, over the record's ${MAX_ARRIVALS_BYTES}`,
      };
}

export interface Arrival {
  /** Milliseconds since the epoch. */
  at: number;
  size: number;
  /** Set for markers; data objects are known by their position (and the first keys recorded). */
  key?: string;
  marker: boolean;
}

/** The arrivals back, data and markers in arrival order (a marker after the data of its instant). */
export function decodeArrivals(arrivals: Extract<Arrivals, { runs: unknown }>): Arrival[] {
  const first = Date.parse(arrivals.firstAt);
  const out: Arrival[] = [];
  for (const [count, size, offset, step] of arrivals.runs)
    for (let i = 0; i < count; i++) out.push({ at: first + offset + i * step, size, marker: false });
  for (const [key, offset] of arrivals.markers) out.push({ at: first + offset, size: 0, key, marker: true });
  return out
    .map((a, i) => ({ a, i }))
    .sort((x, y) => x.a.at - y.a.at || Number(x.a.marker) - Number(y.a.marker) || x.i - y.i)
    .map(({ a }) => a);
}

/**
 * What decided which objects were the rule's and which closed a batch, beside the arrivals: a
 * changed source or marker would own other objects, a changed schema would check them anew.
 */
export interface RuleRoute {
  bucket: string;
  prefix: string;
  suffix?: string;
  marker?: string;
  /** sha256 prefix of the schema check's JSON, or `none`. */
  schema: string;
}

export function ruleRoute(rule: Pick<RetrainingRule, 'source' | 'trigger' | 'schema'>): RuleRoute {
  const { bucket, prefix, suffix } = rule.source;
  return {
    bucket,
    prefix,
    ...(suffix !== undefined ? { suffix } : {}),
    ...(rule.trigger.marker !== undefined ? { marker: rule.trigger.marker } : {}),
    schema: rule.schema ? createHash('sha256').update(JSON.stringify(rule.schema)).digest('hex').slice(0, 12) : 'none',
  };
}
