import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CloudWatchAlarms } from '../adapters/aws/cloudwatch';
import { CloudWatchMetricSeries } from '../adapters/aws/cloudwatch-metrics';
import { CodeDeployDeployments, CodeDeployEcsTargets } from '../adapters/aws/codedeploy';
import { CodePipelineStages } from '../adapters/aws/codepipeline-stages';
import { DynamoClaims } from '../adapters/aws/dynamodb/claims';
import { DynamoRetrainRequests } from '../adapters/aws/dynamodb/retrain-requests';
import { DynamoRedeployWatch } from '../adapters/aws/dynamodb/redeploy-watch';
import { DynamoRollbackStore } from '../adapters/aws/dynamodb/rollback-store';
import { EcsTaskDefinitions } from '../adapters/aws/ecs';
import { ElbTargetGroups } from '../adapters/aws/elbv2';
import { LambdaAliasReader } from '../adapters/aws/lambda';
import { SageMakerPackageStatus } from '../adapters/aws/package-status';
import { S3ObjectStore } from '../adapters/aws/s3';
import { SageMakerEndpoints } from '../adapters/aws/sagemaker-endpoints';
import { SageMakerInvoker } from '../adapters/aws/sagemaker-runtime';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { DeploymentHookWorkflow } from '../workflows/deployment-hook';
import type { RollbackWorkflow } from '../workflows/rollback';
import type { StageRetryWorkflow } from '../workflows/stage-retry';
import { wireDeploymentHook, type HookPorts } from '../wiring/deployment-hook';
import { wireRollback, type RollbackPorts } from '../wiring/rollback';
import { wireStageRetry } from '../wiring/stage-retry';
import type { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Guardrails } from '../guardrails';
import { guardrailsRuntime, stateDecisionLog } from './guardrails-runtime';
import type { Policy } from './policy';
import { sharedRuntime } from './runtime';

/** The SDK clients the alarm and endpoint functions call for rollback. */
export interface RollbackClients {
  dynamo: DynamoDBClient;
  codedeploy: CodeDeployClient;
  sagemaker: SageMakerClient;
  cloudwatch: CloudWatchClient;
  codepipeline: CodePipelineClient;
  /** A redeploy after the bake reads the Lambda alias (Lambda groups) or the task definition (ECS groups). */
  lambda?: LambdaClient;
  ecs?: ECSClient;
  /** An ECS analysis reads its deployments' target groups. */
  elbv2?: ElasticLoadBalancingV2Client;
}

/** The analyses that judge ECS deployments (their target groups are read per deployment). */
const judgesEcs = (policy: Policy, hookOnly = false): boolean =>
  policy.analysis.some((a) => a.target.codedeploy?.platform === 'ecs' && (!hookOnly || a.hook));

/** The ECS reads of a judging function: CodeDeploy's deployment targets and ELB's target groups. */
const ecsTrafficPorts = (codedeploy: CodeDeployClient, elbv2: ElasticLoadBalancingV2Client | undefined) =>
  elbv2 ? { deploymentTargets: new CodeDeployEcsTargets(codedeploy), targetGroups: new ElbTargetGroups(elbv2) } : {};

/** The rollback ports on the AWS adapters; alarm → retraining requests only when given. */
export function rollbackPorts(
  policy: Policy,
  table: string,
  clients: RollbackClients,
  /** The guardrails' switch: the decision log's commits are held to it. */
  killSwitch: DynamoKillSwitch,
  retrainRequests?: DynamoRetrainRequests,
): RollbackPorts {
  return {
    store: new DynamoRollbackStore(clients.dynamo, table),
    deployments: new CodeDeployDeployments(clients.codedeploy),
    endpoints: new SageMakerEndpoints(clients.sagemaker),
    alarms: new CloudWatchAlarms(clients.cloudwatch),
    stages: new CodePipelineStages(clients.codepipeline),
    packages: new SageMakerPackageStatus(clients.sagemaker),
    decisions: stateDecisionLog(clients.dynamo, table, policy, killSwitch),
    redeploys: new DynamoRedeployWatch(clients.dynamo, table),
    // Only the alarm function's tick judges (workflows/rollback/judge.ts); its role reads series.
    ...(policy.analysis.length > 0 ? { series: new CloudWatchMetricSeries(clients.cloudwatch) } : {}),
    ...(judgesEcs(policy) ? ecsTrafficPorts(clients.codedeploy, clients.elbv2) : {}),
    ...(clients.lambda ? { lambdaAliases: new LambdaAliasReader(clients.lambda) } : {}),
    ...(clients.ecs ? { taskDefinitions: new EcsTaskDefinitions(clients.ecs) } : {}),
    ...(retrainRequests ? { retrainRequests } : {}),
  };
}

/** The rollback workflow on the AWS adapters (shared with `npm run bench`, which counts its calls). */
export function rollbackWorkflow(
  policy: Policy,
  table: string,
  clients: RollbackClients,
  logger: Logger,
  options: {
    /** Observe mode, the kill switch and explained decisions (functions/guardrails/). */
    guardrails: Guardrails<DynamoKillSwitch>;
    /** Alarm → retraining bindings record requests here; the sweeper starts them. */
    retrainRequests?: DynamoRetrainRequests;
  },
): RollbackWorkflow {
  const { guardrails } = options;
  return wireRollback(rollbackPorts(policy, table, clients, guardrails.killSwitch, options.retrainRequests), {
    policy,
    clock: systemClock,
    logger,
    guardrails,
  });
}

/** The SDK clients the lifecycle hook function calls. */
export interface HookClients {
  dynamo: DynamoDBClient;
  codedeploy: CodeDeployClient;
  cloudwatch: CloudWatchClient;
  sagemaker: SageMakerClient;
  sagemakerRuntime: SageMakerRuntimeClient;
  s3: S3Client;
  /** An ECS analysis that answers the hook reads its deployment's target groups. */
  elbv2?: ElasticLoadBalancingV2Client;
}

/** The lifecycle hook ports on the AWS adapters. */
export function hookPorts(
  policy: Policy,
  table: string,
  clients: HookClients,
  /** The guardrails' switch: the decision log's commits are held to it. */
  killSwitch: DynamoKillSwitch,
): HookPorts {
  return {
    deployments: new CodeDeployDeployments(clients.codedeploy),
    alarms: new CloudWatchAlarms(clients.cloudwatch),
    packages: new SageMakerPackageStatus(clients.sagemaker),
    invoker: new SageMakerInvoker(clients.sagemakerRuntime),
    objects: new S3ObjectStore(clients.s3),
    claims: new DynamoClaims(clients.dynamo, table),
    ...(policy.analysis.some((a) => a.hook) ? { series: new CloudWatchMetricSeries(clients.cloudwatch) } : {}),
    ...(judgesEcs(policy, true) ? ecsTrafficPorts(clients.codedeploy, clients.elbv2) : {}),
    decisions: stateDecisionLog(clients.dynamo, table, policy, killSwitch),
  };
}

/** The lifecycle hook workflow on the AWS adapters (shared with `npm run bench`). */
export function hookWorkflow(
  policy: Policy,
  table: string,
  clients: HookClients,
  logger: Logger,
  /** Observe mode, the kill switch and explained decisions (functions/guardrails/). */
  guardrails: Guardrails<DynamoKillSwitch>,
): DeploymentHookWorkflow {
  return wireDeploymentHook(hookPorts(policy, table, clients, guardrails.killSwitch), {
    policy,
    clock: systemClock,
    logger,
    guardrails,
  });
}

/**
 * The rollback workflow as both rollback functions run it: the rollback clients, guarded (kill
 * switch, observe mode); the alarm function adds where it records retraining requests.
 */
async function rollbackRuntime(
  retrainRequests: (clients: RollbackClients, table: string) => DynamoRetrainRequests | undefined = () => undefined,
): Promise<{ rollback: RollbackWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const guardrails = await guardrailsRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  const clients: RollbackClients = {
    dynamo,
    codedeploy: new CodeDeployClient(clientConfig),
    sagemaker: new SageMakerClient(clientConfig),
    cloudwatch: new CloudWatchClient(clientConfig),
    codepipeline: new CodePipelineClient(clientConfig),
    lambda: new LambdaClient(clientConfig),
    ecs: new ECSClient(clientConfig),
    ...(judgesEcs(policy) ? { elbv2: new ElasticLoadBalancingV2Client(clientConfig) } : {}),
  };
  return {
    logger,
    rollback: rollbackWorkflow(policy, env.STATE_TABLE, clients, logger, {
      guardrails,
      retrainRequests: retrainRequests(clients, env.STATE_TABLE),
    }),
  };
}

/**
 * The alarm function's runtime. An alarm bound to retraining is recorded as a request on the state
 * table and started by the sweeper, so this function carries no retraining path (S3, batch ledger,
 * run store, pipeline starters): see RollbackWorkflow.retrain.
 */
export const alarmRuntime = () => rollbackRuntime((clients, table) => new DynamoRetrainRequests(clients.dynamo, table));

/**
 * The endpoint tracker records the configs an endpoint serves InService and finishes the re-checks
 * of endpoints that were Updating when an alarm fired. A re-check that finds the alarm still firing
 * acts as the alarm would have (roll back the endpoint, and the binding's CodeDeploy group if it
 * names one too; reject the live package; freeze), so it needs the rollback clients; it never
 * retrains (a binding that retrains names no endpoint), so it carries no S3 client, batch ledger,
 * run store, pipeline starters or retraining requests.
 */
export const endpointRuntime = () => rollbackRuntime();

export async function hookRuntime(): Promise<{ hooks: DeploymentHookWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  const clients: HookClients = {
    dynamo,
    codedeploy: new CodeDeployClient(clientConfig),
    cloudwatch: new CloudWatchClient(clientConfig),
    sagemaker: new SageMakerClient(clientConfig),
    sagemakerRuntime: new SageMakerRuntimeClient(clientConfig),
    s3: new S3Client(clientConfig),
    ...(judgesEcs(policy, true) ? { elbv2: new ElasticLoadBalancingV2Client(clientConfig) } : {}),
  };
  return {
    logger,
    hooks: hookWorkflow(policy, env.STATE_TABLE, clients, logger, await guardrailsRuntime()),
  };
}

export async function stageRetryRuntime(): Promise<{ stageRetry: StageRetryWorkflow; logger: Logger }> {
  const { env, policy, logger, clientConfig } = await sharedRuntime();
  const guardrails = await guardrailsRuntime();
  const dynamo = new DynamoDBClient(clientConfig);
  return {
    logger,
    stageRetry: wireStageRetry(
      {
        stages: new CodePipelineStages(new CodePipelineClient(clientConfig)),
        store: new DynamoRollbackStore(dynamo, env.STATE_TABLE),
        decisions: stateDecisionLog(dynamo, env.STATE_TABLE, policy, guardrails.killSwitch),
      },
      { policy, clock: systemClock, logger, guardrails },
    ),
  };
}
