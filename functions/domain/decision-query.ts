import type { DecisionQuery } from '../ports/decision-history';
import type { Decision } from '../ports/decision-log';
import { ControllerError } from './errors';

const DAY_MS = 86_400_000;

/**
 * SageMaker's ModelPackageArn pattern (API model), anchored, and not ending in "/": a group's
 * `.../model-package/churn-models/` is a prefix of its versions' ARNs, not a package.
 */
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package\/\S{0,2047}[^\s/]$/;

export const isModelPackageArn = (value: string): boolean => MODEL_PACKAGE_ARN.test(value);

/**
 * Input keys naming a package the decision only compared against: the champion a challenger was
 * judged with is read, not touched, and listing it would bury the champion's own history.
 */
const READ_ONLY_KEYS = new Set(['champion']);

/**
 * The model packages a decision touched, in order of appearance: its subject, the targets of its
 * write calls (UpdateModelPackage names the ARN), and any ARN in its inputs (a gate's `package`,
 * a rollback reject's `modelPackageArn`, the packages a rolled-back version served).
 */
export function packagesTouched(decision: Pick<Decision, 'subject' | 'inputs' | 'actions'>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      if (isModelPackageArn(value)) found.add(value);
    } else if (Array.isArray(value)) {
      if (depth < 6) for (const v of value) visit(v, depth + 1);
    } else if (value && typeof value === 'object' && depth < 6) {
      for (const [key, v] of Object.entries(value)) if (!READ_ONLY_KEYS.has(key)) visit(v, depth + 1);
    }
  };
  visit(decision.subject, 0);
  for (const a of decision.actions ?? []) visit(a.target, 0);
  visit(decision.inputs, 0);
  return [...found];
}

/** The query's time window, resolved against `now`: a time that does not parse is the caller's error. */
export function decisionWindow(query: Pick<DecisionQuery, 'since' | 'until'>, now: Date): { since: Date; until: Date } {
  const parse = (flag: string, value: string | undefined, fallback: Date): Date => {
    if (value === undefined) return fallback;
    const t = new Date(value);
    if (Number.isNaN(t.getTime())) throw new ControllerError(`--${flag}: "${value}" is not an ISO time`);
    return t;
  };
  const since = parse('since', query.since, new Date(now.getTime() - 7 * DAY_MS));
  const until = parse('until', query.until, now);
  if (until < since)
    throw new ControllerError(`--until (${until.toISOString()}) is before --since (${since.toISOString()})`);
  return { since, until };
}

/** A kind matches itself and, as a family, every kind under it: `gate` matches `gate.registry`. */
export const kindMatches = (wanted: string, kind: string): boolean => kind === wanted || kind.startsWith(`${wanted}.`);

/**
 * Whether a record passes the query's kind, outcome and subject filters (the time window is the
 * store's key range). `touched` is what packagesTouched found when the record was written.
 */
export function decisionMatches(
  query: Pick<DecisionQuery, 'kind' | 'outcomes' | 'subject'>,
  decision: Pick<Decision, 'kind' | 'outcome' | 'subject'>,
  touched: readonly string[],
): boolean {
  if (query.kind !== undefined && !kindMatches(query.kind, decision.kind)) return false;
  if (query.outcomes !== undefined && query.outcomes.length > 0 && !query.outcomes.includes(decision.outcome))
    return false;
  if (query.subject !== undefined && !subjectMatches(query.subject, decision.subject, touched)) return false;
  return true;
}

/**
 * A prefix matches every subject it starts; a model package ARN is not a prefix (`.../churn/5`
 * must not find `.../churn/50`): it matches itself, and every record that touched the package.
 */
export function subjectMatches(wanted: string, subject: string, touched: readonly string[]): boolean {
  if (isModelPackageArn(wanted)) return subject === wanted || touched.includes(wanted);
  return subject.startsWith(wanted);
}

/** A record's time as the store orders it: normalized ISO, or the raw text if it does not parse. */
export function decisionTime(decision: Pick<Decision, 'at'>): string {
  const t = new Date(decision.at);
  return Number.isNaN(t.getTime()) ? decision.at : t.toISOString();
}

/** The query applied to records in memory: in the window, matching, oldest first, at most `limit`. */
export function selectDecisions<D extends Decision>(
  records: readonly D[],
  query: DecisionQuery,
  now: Date,
  touched: (d: D) => readonly string[] = packagesTouched,
): D[] {
  const { since, until } = decisionWindow(query, now);
  const [from, to] = [since.toISOString(), until.toISOString()];
  const selected = records
    .map((d, i) => ({ d, i, at: decisionTime(d) }))
    .filter(({ d, at }) => at >= from && at <= to && decisionMatches(query, d, touched(d)))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i))
    .map(({ d }) => d);
  return query.limit === undefined ? selected : selected.slice(0, query.limit);
}
