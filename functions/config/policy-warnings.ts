import type { Policy, RetrainingRule } from './policy';
import { bucketProblem } from './policy-names';

/**
 * What a valid policy may not mean: each warning names the path, what will happen, and what to
 * write if that is not what was meant. `validate` prints them and still exits 0 (`--strict`: 2).
 */
export interface PolicyWarning {
  path: string;
  message: string;
}

const describeSource = (r: RetrainingRule) =>
  `prefix "${r.source.prefix}"${r.source.suffix !== undefined ? `, suffix "${r.source.suffix}"` : ''}`;

/** routeObject's order: the longer prefix wins, then a suffix over none, then the rule listed first. */
const score = (r: RetrainingRule) => r.source.prefix.length * 2 + (r.source.suffix !== undefined ? 1 : 0);

/**
 * Some object matches both rules, and `narrow` gets it: same bucket, nested prefixes, suffixes a
 * key can end with both of. Exact ties are refused by the schema.
 */
function loses(broad: RetrainingRule, b: number, narrow: RetrainingRule, n: number): boolean {
  const [x, y] = [broad.source, narrow.source];
  if (x.bucket !== y.bucket || !(x.prefix.startsWith(y.prefix) || y.prefix.startsWith(x.prefix))) return false;
  const sx = x.suffix ?? '';
  const sy = y.suffix ?? '';
  if (!sx.endsWith(sy) && !sy.endsWith(sx)) return false;
  return score(narrow) > score(broad) || (score(narrow) === score(broad) && n < b);
}

/** Broader rules overlapping narrower ones: the narrower wins every object both match. */
export function overlapWarnings(rules: readonly RetrainingRule[]): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  rules.forEach((broad, b) => {
    const narrower = rules.flatMap((narrow, n) => (n !== b && loses(broad, b, narrow, n) ? [{ narrow, n }] : []));
    if (narrower.length === 0) return;
    const list = narrower.map(({ narrow, n }) => `retraining[${n}] (${narrow.name}, ${describeSource(narrow)})`);
    warnings.push({
      path: `retraining[${b}].source`,
      message:
        `${broad.name} (${describeSource(broad)}) also matches objects of ${list.join(', ')}; ` +
        `those go only to the narrower rule (the longest prefix wins), ${broad.name} gets the rest of ` +
        `s3://${broad.source.bucket}/${broad.source.prefix}. If ${broad.name} should not see the rest, give it ` +
        `a prefix of its own (prefix: <folder>/)`,
    });
  });
  return warnings;
}

/** Two rules starting one pipeline: each rule's guards count its own runs only. */
export function sharedTargetWarnings(rules: readonly RetrainingRule[]): PolicyWarning[] {
  const first = new Map<string, number>();
  const warnings: PolicyWarning[] = [];
  rules.forEach((rule, i) => {
    const key = `${rule.target.type}\u0000${rule.target.name}`;
    const prior = first.get(key);
    if (prior === undefined) {
      first.set(key, i);
      return;
    }
    const other = rules[prior]!;
    warnings.push({
      path: `retraining[${i}].target`,
      message:
        `${rule.name} starts the ${rule.target.type} pipeline ${rule.target.name}, as retraining[${prior}] ` +
        `(${other.name}) does: exclusive, cooldownSeconds and dailyCap count each rule's own runs, so both ` +
        `may start it at once and it may run more often than either cap says. Give each rule its own ` +
        `pipeline, or merge them into one rule with a common prefix`,
    });
  });
  return warnings;
}

function binds(selector: Policy['rollback'][number]['alarms'], alarm: string): boolean {
  return selector.names.includes(alarm) || selector.prefixes.some((p) => alarm.startsWith(p));
}

/**
 * An alarm a hook checks before traffic shifts that no rollback binding acts on afterwards: the
 * hook gates the deployment, but once the model is live nothing rolls it back when that alarm fires.
 */
export function unboundHookAlarmWarnings(policy: Pick<Policy, 'rollback' | 'hooks'>): PolicyWarning[] {
  const byTags = policy.rollback.flatMap((b, i) => (Object.keys(b.alarms.tags).length > 0 ? [`rollback[${i}]`] : []));
  const warnings: PolicyWarning[] = [];
  policy.hooks.forEach((hook, h) =>
    hook.alarms.forEach((alarm, a) => {
      if (policy.rollback.some((b) => binds(b.alarms, alarm))) return;
      const same = policy.rollback.findIndex(
        (b) =>
          b.codedeploy?.application === hook.application &&
          (hook.deploymentGroup === undefined || b.codedeploy.deploymentGroup === hook.deploymentGroup),
      );
      const where =
        same >= 0
          ? `add it to rollback[${same}].alarms.names (${policy.rollback[same]!.name}, which rolls back ${hook.application})`
          : `add a rollback binding with alarms: { names: [${alarm}] } and codedeploy: { application: ${hook.application}${hook.deploymentGroup ? `, deploymentGroup: ${hook.deploymentGroup}` : ''} }`;
      const tags = byTags.length
        ? ` (unless its tags match the alarms.tags of ${byTags.join(', ')}: tags are not read offline)`
        : '';
      warnings.push({
        path: `hooks[${h}].alarms[${a}]`,
        message: `${alarm} is checked before traffic shifts, but no rollback binding names it${tags}, so once the model is live nothing acts when it fires: ${where}`,
      });
    }),
  );
  return warnings;
}

/**
 * Bucket names S3 would never have created (uppercase, "_", too short): a warning, not an error,
 * because the policy's own checks (and simulations) run on any name; `validate --aws` then finds no
 * such bucket.
 */
export function bucketNameWarnings(policy: Pick<Policy, 'controller' | 'retraining' | 'gates'>): PolicyWarning[] {
  const named: Array<[string, string]> = [
    ['controller.manifests.bucket', policy.controller.manifests.bucket],
    ...policy.retraining.map((r, i): [string, string] => [`retraining[${i}].source.bucket`, r.source.bucket]),
    ...policy.gates.flatMap((g, i) =>
      g.reportBuckets.map((b, k): [string, string] => [`gates[${i}].reportBuckets[${k}]`, b]),
    ),
  ];
  return named.flatMap(([path, bucket]) => {
    const problem = bucketProblem(bucket);
    return problem ? [{ path, message: `${bucket} cannot be an S3 bucket's name: ${problem}` }] : [];
  });
}

export function policyWarnings(policy: Policy): PolicyWarning[] {
  return [
    ...bucketNameWarnings(policy),
    ...overlapWarnings(policy.retraining),
    ...sharedTargetWarnings(policy.retraining),
    ...unboundHookAlarmWarnings(policy),
  ];
}
