import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CloudWatchAlarms } from '../adapters/aws/cloudwatch';
import { CodeDeployDeployments } from '../adapters/aws/codedeploy';
import { CodePipelineStarter } from '../adapters/aws/codepipeline';
import { CodePipelineStages } from '../adapters/aws/codepipeline-stages';
import { DynamoClaims } from '../adapters/aws/dynamodb/claims';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { DynamoRollbackStore } from '../adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { SageMakerPackageStatus } from '../adapters/aws/package-status';
import { AwsPipelines } from '../adapters/aws/pipelines';
import { S3ObjectStore } from '../adapters/aws/s3';
import { SageMakerPipelineStarter } from '../adapters/aws/sagemaker';
import { SageMakerEndpoints } from '../adapters/aws/sagemaker-endpoints';
import { SageMakerInvoker } from '../adapters/aws/sagemaker-runtime';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { DeploymentHookWorkflow } from '../workflows/deployment-hook';
import { RetrainingWorkflow } from '../workflows/retraining';
import { RollbackWorkflow } from '../workflows/rollback';
import { StageRetryWorkflow } from '../workflows/stage-retry';
import { hardeningRuntime } from './hardening-runtime';
import { sharedRuntime } from './runtime';

/**
 * The rollback functions' runtimes, one per function family, each building only the clients it
 * calls. The alarm function also carries the retraining workflow, for alarm → retraining bindings.
 */
export async function alarmRuntime(): Promise<{ rollback: RollbackWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const hardening = await hardeningRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  const table = env.STATE_TABLE;
  const sagemaker = new SageMakerClient(clientConfig);
  const codepipeline = new CodePipelineClient(clientConfig);
  const decisions = new DynamoDecisionLog(dynamo, table, { ttlDays: policy.controller.decisionTtlDays });
  const retraining = policy.rollback.some((b) => b.retrain)
    ? new RetrainingWorkflow(
        hardening.wrap({
          policy,
          ledger: new DynamoBatchLedger(dynamo, table, systemClock),
          runs: new DynamoRunStore(dynamo, table),
          decisions,
          objects: new S3ObjectStore(new S3Client(clientConfig)),
          pipelines: new AwsPipelines({
            codepipeline: new CodePipelineStarter(codepipeline),
            sagemaker: new SageMakerPipelineStarter(sagemaker),
          }),
          clock: systemClock,
          logger,
        }),
      )
    : undefined;
  return {
    logger,
    rollback: new RollbackWorkflow(
      hardening.wrap({
        policy,
        store: new DynamoRollbackStore(dynamo, table),
        deployments: new CodeDeployDeployments(new CodeDeployClient(clientConfig)),
        endpoints: new SageMakerEndpoints(sagemaker),
        alarms: new CloudWatchAlarms(new CloudWatchClient(clientConfig)),
        stages: new CodePipelineStages(codepipeline),
        packages: new SageMakerPackageStatus(sagemaker),
        decisions,
        clock: systemClock,
        logger,
        ...(retraining ? { retraining } : {}),
      }),
    ),
  };
}

export async function hookRuntime(): Promise<{ hooks: DeploymentHookWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const hardening = await hardeningRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  return {
    logger,
    hooks: new DeploymentHookWorkflow(
      hardening.wrap({
        policy,
        deployments: new CodeDeployDeployments(new CodeDeployClient(clientConfig)),
        alarms: new CloudWatchAlarms(new CloudWatchClient(clientConfig)),
        packages: new SageMakerPackageStatus(new SageMakerClient(clientConfig)),
        invoker: new SageMakerInvoker(new SageMakerRuntimeClient(clientConfig)),
        objects: new S3ObjectStore(new S3Client(clientConfig)),
        claims: new DynamoClaims(dynamo, env.STATE_TABLE),
        decisions: new DynamoDecisionLog(dynamo, env.STATE_TABLE, { ttlDays: policy.controller.decisionTtlDays }),
        clock: systemClock,
        logger,
      }),
    ),
  };
}

export async function stageRetryRuntime(): Promise<{ stageRetry: StageRetryWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const hardening = await hardeningRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  return {
    logger,
    stageRetry: new StageRetryWorkflow(
      hardening.wrap({
        policy,
        stages: new CodePipelineStages(new CodePipelineClient(clientConfig)),
        store: new DynamoRollbackStore(dynamo, env.STATE_TABLE),
        decisions: new DynamoDecisionLog(dynamo, env.STATE_TABLE, { ttlDays: policy.controller.decisionTtlDays }),
        clock: systemClock,
        logger,
      }),
    ),
  };
}
