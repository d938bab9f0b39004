/**
 * `decisions --scenario <file>`: the decision records of a local run (the scenario on the embedded
 * backend), selected as DynamoDecisionLog.list selects them from the table: from `since` (default
 * seven days before the run's last decision) onwards, of one subject if given, oldest first.
 */
import type { Decision } from '../ports/decision-log';
import type { DecisionQuery } from '../adapters/aws/dynamodb/decision-log';
import { ControllerError } from '../domain/errors';
import { simulate } from './simulate';

const DAY_MS = 86_400_000;

/** The table's selection on records in memory; `now` stands for the moment of listing. */
export function selectDecisions(records: readonly Decision[], query: DecisionQuery, now: Date): Decision[] {
  const since = query.since ? new Date(query.since) : new Date(now.getTime() - 7 * DAY_MS);
  if (Number.isNaN(since.getTime())) throw new ControllerError(`--since: "${query.since}" is not an ISO time`);
  // The table's sort key starts with the normalized ISO time, so compare normalized times too.
  const iso = (d: Decision) => {
    const t = new Date(d.at);
    return Number.isNaN(t.getTime()) ? d.at : t.toISOString();
  };
  const selected = records
    .map((d, i) => ({ d, i, at: iso(d) }))
    .filter(({ d, at }) => at >= since.toISOString() && (query.subject === undefined || d.subject === query.subject))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i))
    .map(({ d }) => d);
  return query.limit === undefined ? selected : selected.slice(0, query.limit);
}

export async function scenarioDecisions(file: string, query: DecisionQuery): Promise<Decision[]> {
  const { records } = await simulate(file);
  const last = records.reduce((max, d) => Math.max(max, Date.parse(d.at) || 0), 0);
  return selectDecisions(records, query, new Date(last));
}
