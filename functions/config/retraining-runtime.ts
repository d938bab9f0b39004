import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { DynamoRetrainRequests } from '../adapters/aws/dynamodb/retrain-requests';
import { S3ObjectStore } from '../adapters/aws/s3';
import { AwsPipelines } from '../adapters/aws/pipelines';
import { CodePipelineStarter } from '../adapters/aws/codepipeline';
import { SageMakerPipelineStarter } from '../adapters/aws/sagemaker';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { wireRetraining, type RetrainingPorts } from '../wiring/retraining';
import type { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Guardrails } from '../guardrails';
import { guardrailsRuntime, stateDecisionLog } from './guardrails-runtime';
import type { Policy } from './policy';
import { sharedRuntime } from './runtime';

/** The SDK clients the retraining functions call: state table, S3, and the two pipeline services. */
export interface RetrainingClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  codepipeline: CodePipelineClient;
  sagemaker: SageMakerClient;
}

/** The retraining ports on the AWS adapters: state table, S3 and the two pipeline services. */
export function retrainingPorts(
  policy: Policy,
  table: string,
  clients: RetrainingClients,
  /** The guardrails' switch: the decision log's commits are held to it. */
  killSwitch: DynamoKillSwitch,
): RetrainingPorts {
  return {
    ledger: new DynamoBatchLedger(clients.dynamo, table, systemClock),
    runs: new DynamoRunStore(clients.dynamo, table),
    decisions: stateDecisionLog(clients.dynamo, table, policy, killSwitch),
    objects: new S3ObjectStore(clients.s3),
    pipelines: new AwsPipelines({
      codepipeline: new CodePipelineStarter(clients.codepipeline),
      sagemaker: new SageMakerPipelineStarter(clients.sagemaker),
    }),
    requests: new DynamoRetrainRequests(clients.dynamo, table),
  };
}

/** The retraining workflow on the AWS adapters (shared with `npm run bench`, which counts its calls). */
export function retrainingWorkflow(
  policy: Policy,
  table: string,
  clients: RetrainingClients,
  logger: Logger,
  /** Observe mode, the kill switch and explained decisions (functions/guardrails/). */
  guardrails: Guardrails<DynamoKillSwitch>,
): RetrainingWorkflow {
  return wireRetraining(retrainingPorts(policy, table, clients, guardrails.killSwitch), {
    policy,
    clock: systemClock,
    logger,
    guardrails,
  });
}

/** The retraining functions' runtime. */
export async function retrainingRuntime(): Promise<{ retraining: RetrainingWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const clients: RetrainingClients = {
    dynamo: new DynamoDBClient(clientConfig),
    s3: new S3Client(clientConfig),
    codepipeline: new CodePipelineClient(clientConfig),
    sagemaker: new SageMakerClient(clientConfig),
  };
  return {
    logger,
    retraining: retrainingWorkflow(policy, env.STATE_TABLE, clients, logger, await guardrailsRuntime()),
  };
}
