/**
 * The functions' guardrails, built for a CLI process acting on a deployed stage (overrides,
 * quarantine release|drop): observe mode from the policy, the kill switch given (read fresh, no
 * cache to wait out), and the decisions published to EventBridge and notified on SNS as the
 * policy says, so a person's decision reaches the same bus and topic as a function's.
 */
import type { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { decisionEvents } from '../config/bundling/decision-events-sink';
import { decisionNotifier } from '../config/bundling/decision-notifier-sink';
import type { Policy } from '../config/policy';
import { Guardrails } from '../guardrails';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';

export function cliGuardrails(
  policy: Policy,
  killSwitch: DynamoKillSwitch,
  clientConfig: Record<string, unknown>,
  logger: Logger,
): Guardrails<DynamoKillSwitch> {
  const { eventBus, topicArn } = policy.controller.decisions;
  // The SDK's default attempts unless the caller's settings say otherwise.
  const sinkConfig = { maxAttempts: 3, ...clientConfig };
  const events = decisionEvents(eventBus, sinkConfig);
  const notifier = decisionNotifier(topicArn, sinkConfig);
  return new Guardrails({
    policy,
    killSwitch,
    ...(events ? { events } : {}),
    ...(notifier ? { notifier } : {}),
    logger,
    clock: systemClock,
  });
}
