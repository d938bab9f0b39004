/**
 * The EventBridge sink for explained decisions (`controller.decisions.eventBus`). A module of its
 * own so that a bundle whose policy names no bus leaves the EventBridge client out (≈ 17 KB):
 * infra/esbuild-plugins.cjs then resolves this import to no-decision-sink.ts. Tests and `simulate`
 * are not bundled and always load this file.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeDecisionEvents } from '../../adapters/aws/eventbridge';
import type { DecisionEvents } from '../../ports/decision-events';
import type { Shared } from '../runtime';

export function decisionEvents(
  eventBus: string | undefined,
  clientConfig: Shared['clientConfig'],
): DecisionEvents | undefined {
  return eventBus ? new EventBridgeDecisionEvents(new EventBridgeClient(clientConfig), eventBus) : undefined;
}
