import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { S3ObjectStore } from '../adapters/aws/s3';
import { AwsPipelines } from '../adapters/aws/pipelines';
import { CodePipelineStarter } from '../adapters/aws/codepipeline';
import { SageMakerPipelineStarter } from '../adapters/aws/sagemaker';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { RetrainingWorkflow } from '../workflows/retraining';
import { hardeningRuntime } from './hardening-runtime';
import { sharedRuntime } from './runtime';

/** The retraining functions' runtime: state table, S3, and the two pipeline services. */
export async function retrainingRuntime(): Promise<{ retraining: RetrainingWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  const table = env.STATE_TABLE;
  const hardening = await hardeningRuntime();
  return {
    logger,
    retraining: new RetrainingWorkflow(
      hardening.wrap({
        policy,
        ledger: new DynamoBatchLedger(dynamo, table, systemClock),
        runs: new DynamoRunStore(dynamo, table),
        decisions: new DynamoDecisionLog(dynamo, table, { ttlDays: policy.controller.decisionTtlDays }),
        objects: new S3ObjectStore(new S3Client(clientConfig)),
        pipelines: new AwsPipelines({
          codepipeline: new CodePipelineStarter(new CodePipelineClient(clientConfig)),
          sagemaker: new SageMakerPipelineStarter(new SageMakerClient(clientConfig)),
        }),
        clock: systemClock,
        logger,
      }),
    ),
  };
}
