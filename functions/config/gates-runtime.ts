import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoClaims } from '../adapters/aws/dynamodb/claims';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { S3MetricReports } from '../adapters/aws/metric-reports';
import { SageMakerModelRegistry } from '../adapters/aws/model-registry';
import { SnsNotifier } from '../adapters/aws/sns';
import { ControllerError } from '../domain/errors';
import type { PipelineApprovals } from '../ports/approvals';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { GateWorkflow } from '../workflows/gates';
import { hardeningRuntime } from './hardening-runtime';
import { sharedRuntime, type Shared } from './runtime';

/** The registry gate never answers CodePipeline approvals: its bundle carries no CodePipeline client. */
const noApprovals: PipelineApprovals = {
  actionState: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
  variables: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
  answer: () => Promise.reject(new ControllerError('this function does not answer CodePipeline approvals')),
};

/**
 * The gate functions' runtime: Model Registry, metric reports in S3, SNS for HOLD notices, the state
 * table for claims and decisions; plus CodePipeline for the approval gate (passed in by its handler).
 */
export async function gatesRuntime(
  approvals?: (clientConfig: Shared['clientConfig']) => PipelineApprovals,
): Promise<{ gates: GateWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  const hardening = await hardeningRuntime();
  return {
    logger,
    gates: new GateWorkflow(
      hardening.wrap({
        policy,
        registry: new SageMakerModelRegistry(new SageMakerClient(clientConfig)),
        reports: new S3MetricReports(new S3Client(clientConfig)),
        notifier: new SnsNotifier(new SNSClient(clientConfig)),
        approvals: approvals ? approvals(clientConfig) : noApprovals,
        claims: new DynamoClaims(dynamo, env.STATE_TABLE),
        decisions: new DynamoDecisionLog(dynamo, env.STATE_TABLE, { ttlDays: policy.controller.decisionTtlDays }),
        clock: systemClock,
        logger,
      }),
    ),
  };
}
