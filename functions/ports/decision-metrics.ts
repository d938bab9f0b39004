/** Counts decisions and actions by kind and outcome (CloudWatch EMF in Lambda). */
export interface DecisionMetrics {
  count(name: 'Decisions' | 'Actions', dimensions: Record<string, string>): void;
}

export const noMetrics: DecisionMetrics = { count: () => {} };
