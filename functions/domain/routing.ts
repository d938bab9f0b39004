import type { RetrainingRule } from '../config/policy';
import type { ObjectRef } from './objects';

export type Route =
  { kind: 'data'; rule: RetrainingRule } | { kind: 'marker'; rule: RetrainingRule } | { kind: 'none'; reason: string };

function basename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * Which rule owns an object. Overlapping rules: the most specific wins (longest prefix, then a
 * suffix over none), so an object feeds exactly one pipeline; `validate` rejects exact ties.
 * A marker object matches on bucket + prefix + marker name, whatever the rule's suffix.
 */
export function routeObject(rules: readonly RetrainingRule[], o: ObjectRef): Route {
  let best: { rule: RetrainingRule; kind: 'data' | 'marker'; score: number } | undefined;
  for (const rule of rules) {
    const { bucket, prefix, suffix } = rule.source;
    if (bucket !== o.bucket || !o.key.startsWith(prefix)) continue;
    const isMarker = rule.trigger.marker !== undefined && basename(o.key) === rule.trigger.marker;
    if (!isMarker && suffix !== undefined && !o.key.endsWith(suffix)) continue;
    if (o.key.endsWith('/')) continue; // "folder" placeholder objects carry no data
    const score = prefix.length * 2 + (suffix ? 1 : 0);
    if (!best || score > best.score) best = { rule, kind: isMarker ? 'marker' : 'data', score };
  }
  if (best) return { kind: best.kind, rule: best.rule };
  return { kind: 'none', reason: `s3://${o.bucket}/${o.key} matches no retraining rule` };
}

export function isMarker(rule: RetrainingRule, o: ObjectRef): boolean {
  return rule.trigger.marker !== undefined && basename(o.key) === rule.trigger.marker;
}
