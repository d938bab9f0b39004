import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoClaims } from '../adapters/aws/dynamodb/claims';
import { S3MetricReports } from '../adapters/aws/metric-reports';
import { SageMakerModelRegistry } from '../adapters/aws/model-registry';
import { SnsNotifier } from '../adapters/aws/sns';
import { ControllerError } from '../domain/errors';
import type { PipelineApprovals } from '../ports/approvals';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { wireGates, type GatePorts } from '../wiring/gates';
import type { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Guardrails } from '../guardrails';
import { guardrailsRuntime, stateDecisionLog } from './guardrails-runtime';
import type { Policy } from './policy';
import { sharedRuntime, type Shared } from './runtime';

/** The registry gate never answers CodePipeline approvals: its bundle carries no CodePipeline client. */
const noApprovals: PipelineApprovals = {
  actionState: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
  variables: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
  answer: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
};

/** The SDK clients the gate functions call (CodePipeline only through `approvals`). */
export interface GateClients {
  dynamo: DynamoDBClient;
  sagemaker: SageMakerClient;
  s3: S3Client;
  sns: SNSClient;
}

/** The gate ports on the AWS adapters; CodePipeline approvals only when given. */
export function gatePorts(
  policy: Policy,
  table: string,
  clients: GateClients,
  /** The guardrails' switch: the decision log's commits are held to it. */
  killSwitch: DynamoKillSwitch,
  approvals: PipelineApprovals = noApprovals,
): GatePorts {
  return {
    registry: new SageMakerModelRegistry(clients.sagemaker),
    reports: new S3MetricReports(clients.s3),
    notifier: new SnsNotifier(clients.sns),
    approvals,
    claims: new DynamoClaims(clients.dynamo, table),
    decisions: stateDecisionLog(clients.dynamo, table, policy, killSwitch),
  };
}

/** The gate workflow on the AWS adapters (shared with `npm run bench`, which counts its calls). */
export function gateWorkflow(
  policy: Policy,
  table: string,
  clients: GateClients,
  logger: Logger,
  options: {
    approvals?: PipelineApprovals;
    /** Observe mode, the kill switch and explained decisions (functions/guardrails/). */
    guardrails: Guardrails<DynamoKillSwitch>;
  },
): GateWorkflow {
  const { guardrails } = options;
  return wireGates(gatePorts(policy, table, clients, guardrails.killSwitch, options.approvals), {
    policy,
    clock: systemClock,
    logger,
    guardrails,
  });
}

/**
 * The gate functions' runtime: Model Registry, metric reports in S3, SNS for HOLD notices, the state
 * table for claims and decisions; plus CodePipeline for the approval gate (approval-gates-runtime.ts).
 */
export async function gatesRuntime(
  approvals?: (clientConfig: Shared['clientConfig']) => PipelineApprovals,
): Promise<{ gates: GateWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const clients: GateClients = {
    dynamo: new DynamoDBClient(clientConfig),
    sagemaker: new SageMakerClient(clientConfig),
    s3: new S3Client(clientConfig),
    sns: new SNSClient(clientConfig),
  };
  return {
    logger,
    gates: gateWorkflow(policy, env.STATE_TABLE, clients, logger, {
      ...(approvals ? { approvals: approvals(clientConfig) } : {}),
      guardrails: await guardrailsRuntime(),
    }),
  };
}
