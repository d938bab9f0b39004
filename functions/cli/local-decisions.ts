/**
 * `decisions --scenario <file>`: the decision records of a local run (the scenario on the embedded
 * backend), selected as the table selects them (functions/domain/decision-query.ts), with the
 * run's last decision standing for "now": the default window is the seven days before it.
 */
import type { Decision } from '../ports/decision-log';
import type { DecisionQuery } from '../ports/decision-history';
import { selectDecisions } from '../domain/decision-query';
import { simulate } from './simulate';

export async function scenarioDecisions(file: string, query: DecisionQuery): Promise<Decision[]> {
  const { records } = await simulate(file);
  const last = records.reduce((max, d) => Math.max(max, Date.parse(d.at) || 0), 0);
  return selectDecisions(records, query, new Date(last));
}
