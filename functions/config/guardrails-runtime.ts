/**
 * The guardrails every function shares (functions/guardrails/): the kill switch on the state
 * table (the functions' decision logs are built with it too, so a commit checks it in its own
 * transaction), EventBridge and SNS only when the policy names a bus or a topic, and
 * Powertools metrics (EMF: one log line per flush, no PutMetricData call, no IAM permission).
 *
 * The two sinks are separate modules so that a bundle carries their SDK clients only when its
 * (package-time) policy names them: infra/esbuild-plugins.cjs resolves either import to
 * no-decision-sink.ts otherwise.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { systemClock } from '../ports/clock';
import type { DecisionMetrics } from '../ports/decision-metrics';
import { Guardrails } from '../guardrails';
import { decisionEvents } from './bundling/decision-events-sink';
import { decisionNotifier } from './bundling/decision-notifier-sink';
import { metrics } from './metrics';
import type { Policy } from './policy';
import { powertoolsLogger, sharedRuntime } from './runtime';

const emf: DecisionMetrics = {
  count(name, dimensions) {
    // One single-metric line per count keeps each count's own dimensions (kind, outcome).
    const single = metrics.singleMetric();
    for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
    single.addMetric(name, MetricUnit.Count, 1);
  },
};

/**
 * The decision log every function's workflow records to: the state table, the policy's retention,
 * and the guardrails' kill switch, so a commit that makes a write checks the switch in its own
 * transaction (DynamoDecisionLog.commit with `unlessPaused`).
 */
export function stateDecisionLog(
  dynamo: DynamoDBClient,
  table: string,
  policy: Pick<Policy, 'controller'>,
  killSwitch: DynamoKillSwitch,
): DynamoDecisionLog {
  return new DynamoDecisionLog(dynamo, table, { ttlDays: policy.controller.decisionTtlDays, killSwitch });
}

let guardrails: Promise<Guardrails<DynamoKillSwitch>> | undefined;

export function guardrailsRuntime(): Promise<Guardrails<DynamoKillSwitch>> {
  guardrails ??= (async () => {
    const { env, policy, logger, clientConfig } = await sharedRuntime();
    const { eventBus, topicArn } = policy.controller.decisions;
    const events = decisionEvents(eventBus, clientConfig);
    const notifier = decisionNotifier(topicArn, clientConfig);
    return new Guardrails({
      policy,
      killSwitch: new DynamoKillSwitch(new DynamoDBClient(clientConfig), env.STATE_TABLE, {
        cacheSeconds: policy.controller.killSwitchCacheSeconds,
      }),
      ...(events ? { events } : {}),
      ...(notifier ? { notifier } : {}),
      metrics: emf,
      logger,
      clock: systemClock,
      onDecision: (d) => powertoolsLogger.setCorrelationId(d.id),
    });
  })().catch((error: unknown) => {
    guardrails = undefined;
    throw error;
  });
  return guardrails;
}
