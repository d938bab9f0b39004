/**
 * What every function shares for observe mode, the kill switch and explained decisions: the kill
 * switch on the state table, EventBridge and SNS only when the policy names a bus or a topic, and
 * Powertools metrics (EMF: one log line per flush, no PutMetricData call, no IAM permission).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { EventBridgeDecisionEvents } from '../adapters/aws/eventbridge';
import { SnsNotifier } from '../adapters/aws/sns';
import { systemClock } from '../ports/clock';
import type { DecisionMetrics } from '../ports/decision-metrics';
import { Hardening } from '../workflows/hardening';
import { metrics } from './metrics';
import { powertoolsLogger, sharedRuntime } from './runtime';

const emf: DecisionMetrics = {
  count(name, dimensions) {
    // One single-metric line per count keeps each count's own dimensions (kind, outcome).
    const single = metrics.singleMetric();
    for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
    single.addMetric(name, MetricUnit.Count, 1);
  },
};

let hardening: Promise<Hardening> | undefined;

export function hardeningRuntime(): Promise<Hardening> {
  hardening ??= (async () => {
    const { env, policy, logger, clientConfig } = await sharedRuntime();
    const { eventBus, topicArn } = policy.controller.decisions;
    return new Hardening({
      policy,
      killSwitch: new DynamoKillSwitch(new DynamoDBClient(clientConfig), env.STATE_TABLE, {
        cacheSeconds: policy.controller.killSwitchCacheSeconds,
      }),
      ...(eventBus ? { events: new EventBridgeDecisionEvents(new EventBridgeClient(clientConfig), eventBus) } : {}),
      ...(topicArn ? { notifier: new SnsNotifier(new SNSClient(clientConfig)) } : {}),
      metrics: emf,
      logger,
      clock: systemClock,
      onDecision: (d) => powertoolsLogger.setCorrelationId(d.id),
    });
  })().catch((error: unknown) => {
    hardening = undefined;
    throw error;
  });
  return hardening;
}
