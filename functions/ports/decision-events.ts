import type { Decision } from './decision-log';

/** Publishes each recorded decision for other systems (EventBridge `Controller Decision`). */
export interface DecisionEvents {
  publish(decisions: readonly Decision[]): Promise<void>;
}
