import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { DynamoRetrainRequests } from '../adapters/aws/dynamodb/retrain-requests';
import { S3ObjectStore } from '../adapters/aws/s3';
import { AwsPipelines } from '../adapters/aws/pipelines';
import { CodePipelineStarter } from '../adapters/aws/codepipeline';
import { SageMakerPipelineStarter } from '../adapters/aws/sagemaker';
import { AwsRunFailures, type FailureReaders } from '../adapters/aws/run-failures';
import { StepFunctionsStarter } from '../adapters/aws/stepfunctions';
import { CodeBuildStarter } from '../adapters/aws/codebuild';
import { DynamoBuildSlots } from '../adapters/aws/dynamodb/build-slots';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { wireRetraining, type RetrainingPorts } from '../wiring/retraining';
import type { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Guardrails } from '../guardrails';
import { guardrailsRuntime, stateDecisionLog } from './guardrails-runtime';
import type { Policy } from './policy';
import { sharedRuntime } from './runtime';

/** The SDK clients the retraining functions call: state table, S3, and the target services. */
export interface RetrainingClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  codepipeline: CodePipelineClient;
  sagemaker: SageMakerClient;
  /** Needed only where a rule targets Step Functions / CodeBuild (the Lambda runtime always has them). */
  stepfunctions?: SFNClient;
  codebuild?: CodeBuildClient;
}

/** The retraining ports on the AWS adapters: state table, S3 and the two pipeline services. */
export function retrainingPorts(
  policy: Policy,
  table: string,
  clients: RetrainingClients,
  /** The guardrails' switch: the decision log's commits are held to it. */
  killSwitch: DynamoKillSwitch,
  /** Who reads why a failed run failed: executionFinished's only (functions/config/failure-readers.ts). */
  readers: FailureReaders = {},
): RetrainingPorts {
  return {
    ledger: new DynamoBatchLedger(clients.dynamo, table, systemClock),
    runs: new DynamoRunStore(clients.dynamo, table),
    decisions: stateDecisionLog(clients.dynamo, table, policy, killSwitch),
    objects: new S3ObjectStore(clients.s3),
    pipelines: new AwsPipelines({
      codepipeline: new CodePipelineStarter(clients.codepipeline),
      sagemaker: new SageMakerPipelineStarter(clients.sagemaker),
      ...(clients.stepfunctions ? { stepfunctions: new StepFunctionsStarter(clients.stepfunctions) } : {}),
      ...(clients.codebuild ? { codebuild: new CodeBuildStarter(clients.codebuild) } : {}),
    }),
    slots: new DynamoBuildSlots(clients.dynamo, table),
    requests: new DynamoRetrainRequests(clients.dynamo, table),
    failures: new AwsRunFailures(readers),
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
  readers: FailureReaders = {},
): RetrainingWorkflow {
  return wireRetraining(retrainingPorts(policy, table, clients, guardrails.killSwitch, readers), {
    policy,
    clock: systemClock,
    logger,
    guardrails,
  });
}

/**
 * The retraining functions' runtime. Only executionFinished explains failed runs: it passes the
 * readers (functions/config/failure-readers.ts), so their clients and commands (CloudWatch Logs
 * among them) are bundled, and granted, in that function alone.
 */
export async function retrainingRuntime(
  readersFor?: (clients: RetrainingClients, clientConfig: { maxAttempts: number }) => FailureReaders,
): Promise<{ retraining: RetrainingWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const clients: RetrainingClients = {
    dynamo: new DynamoDBClient(clientConfig),
    s3: new S3Client(clientConfig),
    codepipeline: new CodePipelineClient(clientConfig),
    sagemaker: new SageMakerClient(clientConfig),
    stepfunctions: new SFNClient(clientConfig),
    codebuild: new CodeBuildClient(clientConfig),
  };
  return {
    logger,
    retraining: retrainingWorkflow(
      policy,
      env.STATE_TABLE,
      clients,
      logger,
      await guardrailsRuntime(),
      readersFor?.(clients, clientConfig),
    ),
  };
}
