/**
 * A person's overrides against a deployed stage, with their AWS credentials: `rollback <binding>`
 * runs the binding's alarm response, `approve`/`reject <package-arn>` the registry gate's
 * decision. Both go through the same guardrails the functions run in (observe mode from the
 * policy, the kill switch on the state table, decisions explained, published and notified as the
 * policy says), so an override is recorded like any other decision.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { DynamoRetrainRequests } from '../adapters/aws/dynamodb/retrain-requests';
import { SageMakerModelRegistry } from '../adapters/aws/model-registry';
import type { Policy } from '../config/policy';
import { stateDecisionLog } from '../config/guardrails-runtime';
import { rollbackPorts, type RollbackClients } from '../config/rollback-runtime';
import type { OverrideStatus } from '../domain/overrides';
import { systemClock } from '../ports/clock';
import type { Decision, DecisionLog } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import type { PackageOverrideResult } from '../workflows/package-override';
import type { OperatorRollbackResult } from '../workflows/rollback';
import { wirePackageOverride } from '../wiring/package-override';
import { wireRollback } from '../wiring/rollback';
import { cliGuardrails } from './cli-guardrails';

type ClientConfig = Record<string, unknown>;

export interface OverrideOptions {
  policy: Policy;
  table: string;
  by: string;
  reason: string;
  logger: Logger;
  /** SDK client settings (tests point them at moto); default: the environment's. */
  clientConfig?: ClientConfig;
}

/** What the override decided: its result and every decision it recorded, in order. */
export interface Overridden<R> {
  result: R;
  decisions: Decision[];
}

/** The store's log, keeping each decision it stored (explained: with its actions) for the summary. */
function keeping(inner: DecisionLog, kept: Decision[]): DecisionLog {
  const commit = async (...args: Parameters<DecisionLog['commit']>) => {
    const result = await (
      inner.commit as (...a: Parameters<DecisionLog['commit']>) => ReturnType<DecisionLog['commit']>
    )(...args);
    if (result && !('paused' in result)) kept.push(args[0]);
    return result;
  };
  return {
    record: async (decision) => {
      await inner.record(decision);
      kept.push(decision);
    },
    taken: (key) => inner.taken(key),
    commit: commit as DecisionLog['commit'],
  };
}

/** `mlops-controller rollback <binding> --reason`. */
export async function rollbackBinding(
  options: OverrideOptions & { binding: string; clients?: Partial<RollbackClients> },
): Promise<Overridden<OperatorRollbackResult>> {
  const config = options.clientConfig ?? {};
  const clients: RollbackClients = {
    dynamo: new DynamoDBClient(config),
    codedeploy: new CodeDeployClient(config),
    sagemaker: new SageMakerClient(config),
    cloudwatch: new CloudWatchClient(config),
    codepipeline: new CodePipelineClient(config),
    lambda: new LambdaClient(config),
    ecs: new ECSClient(config),
    ...options.clients,
  };
  const killSwitch = new DynamoKillSwitch(clients.dynamo, options.table, { cacheSeconds: 0 });
  const ports = rollbackPorts(
    options.policy,
    options.table,
    clients,
    killSwitch,
    new DynamoRetrainRequests(clients.dynamo, options.table),
  );
  const decisions: Decision[] = [];
  const workflow = wireRollback(
    { ...ports, decisions: keeping(ports.decisions, decisions) },
    {
      policy: options.policy,
      clock: systemClock,
      logger: options.logger,
      guardrails: cliGuardrails(options.policy, killSwitch, config, options.logger),
    },
  );
  const result = await workflow.onOperator({ binding: options.binding, reason: options.reason, by: options.by });
  return { result, decisions };
}

/** `mlops-controller approve|reject <package-arn> --reason`. */
export async function decidePackage(
  options: OverrideOptions & {
    arn: string;
    status: OverrideStatus;
    clients?: { dynamo?: DynamoDBClient; sagemaker?: SageMakerClient };
  },
): Promise<Overridden<PackageOverrideResult>> {
  const config = options.clientConfig ?? {};
  const dynamo = options.clients?.dynamo ?? new DynamoDBClient(config);
  const sagemaker = options.clients?.sagemaker ?? new SageMakerClient(config);
  const killSwitch = new DynamoKillSwitch(dynamo, options.table, { cacheSeconds: 0 });
  const decisions: Decision[] = [];
  const log = stateDecisionLog(dynamo, options.table, options.policy, killSwitch);
  const workflow = wirePackageOverride(
    { registry: new SageMakerModelRegistry(sagemaker), decisions: keeping(log, decisions) },
    {
      policy: options.policy,
      clock: systemClock,
      logger: options.logger,
      guardrails: cliGuardrails(options.policy, killSwitch, config, options.logger),
    },
  );
  const result = await workflow.decide({
    arn: options.arn,
    status: options.status,
    reason: options.reason,
    by: options.by,
  });
  return { result, decisions };
}

/** One line per recorded decision, then its actions: taken (▶) or withheld (⊘, and why). */
export function decisionLines(decisions: readonly Decision[]): string[] {
  return decisions.flatMap((d) => [
    `${d.kind} ${d.outcome} ${d.subject}: ${d.reasons.join('; ')}`,
    ...(d.actions ?? []).map(
      (a) =>
        `  ${a.status === 'withheld' ? '⊘ withheld' : a.status === 'failed' ? '✗ failed' : '▶'} ${a.service} ${a.operation} ${a.target}${a.why ? ` (${a.why})` : ''}`,
    ),
  ]);
}

/** How many of the decisions' writes were withheld (observe mode, kill switch), for the summary line. */
export const withheldCount = (decisions: readonly Decision[]): number =>
  decisions.flatMap((d) => d.actions ?? []).filter((a) => a.status === 'withheld').length;
