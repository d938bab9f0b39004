/**
 * P5 cases for the gate, rollback and hook functions: each handler wired by the same function its
 * runtime module uses (gateWorkflow, rollbackWorkflow, hookWorkflow), guardrails included (observe
 * mode, kill switch, decision completion), on moto; `aws.answer` only for operations moto lacks.
 * Every case first handles one earlier event in the same "container" (caches warm, as in a warm
 * Lambda), then counts one decision.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CodePipelineApprovals } from '../../functions/adapters/aws/codepipeline-approvals';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { contentDigest } from '../../functions/adapters/aws/metric-reports';
import { gateWorkflow } from '../../functions/config/gates-runtime';
import { validatePolicy, type Policy } from '../../functions/config/policy';
import { hookWorkflow, rollbackWorkflow } from '../../functions/config/rollback-runtime';
import { alarmFired } from '../../functions/handlers/alarm-fired';
import { approvalRequested } from '../../functions/handlers/approval-requested';
import { deploymentHook } from '../../functions/handlers/deployment-hook';
import { endpointChanged } from '../../functions/handlers/endpoint-changed';
import { modelRegistered } from '../../functions/handlers/model-registered';
import { systemClock } from '../../functions/ports/clock';
import { Guardrails } from '../../functions/guardrails';
import { createStateTable, uniqueName } from '../support/aws';
import { firingOnMoto, sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { recordingLogger } from '../support/memory-harness';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import type { CallCase, CountingAws } from './calls';

const ACCOUNT = '123456789012';
const controller = { accounts: [ACCOUNT], regions: ['us-east-1', 'us-east-2'], manifests: { bucket: 'm' } };

/** The guardrails as guardrailsRuntime builds them for a policy without a decision bus or topic. */
export function guardrails(policy: Policy, dynamo: DynamoDBClient, table: string) {
  return new Guardrails({
    policy,
    killSwitch: new DynamoKillSwitch(dynamo, table, { cacheSeconds: policy.controller.killSwitchCacheSeconds }),
    logger: recordingLogger().logger,
    clock: systemClock,
  });
}

// ------------------------------------------------------------------ gates

const APPROVAL = { pipeline: 'MyFirstPipeline', stage: 'MyApprovalStage', action: 'MyApprovalAction' };

async function gateWorld(aws: CountingAws, withApprovals: boolean) {
  const dynamo = aws.client((c) => new DynamoDBClient(c));
  const sagemaker = aws.client((c) => new SageMakerClient(c));
  const s3 = aws.client((c) => new S3Client(c));
  const sns = aws.client((c) => new SNSClient(c));
  const group = uniqueName('bench-models');
  const bucket = uniqueName('bench-reports');
  const table = uniqueName('bench-gates');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createStateTable(dynamo, table);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('bench-holds') }));
  const policy = validatePolicy({
    version: 1,
    controller,
    gates: [
      {
        name: 'quality',
        modelPackageGroup: group,
        reportBuckets: [bucket],
        notifyTopicArn: TopicArn,
        checks: [
          {
            metric: 'auc',
            from: 'ModelQuality.Statistics',
            path: 'binary_classification_metrics.auc.value',
            min: 0.75,
            direction: 'higher',
            maxDegradation: 0.01,
          },
        ],
        approvals: [{ ...APPROVAL, package: { variable: 'MODEL_PACKAGE_ARN' } }],
      },
    ],
  });
  let version = 0;
  /** Each package's report location, as its events carry it. */
  const reportOf = new Map<string, string>();
  /** A package with its evaluation report in S3; the champion's report is pinned by ContentDigest. */
  const register = async (status: 'Approved' | 'PendingManualApproval', auc: number) => {
    version += 1;
    const key = `eval/${version}.json`;
    const body = JSON.stringify({ binary_classification_metrics: { auc: { value: auc } } });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const { ModelPackageArn } = await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: status,
        ModelMetrics: {
          ModelQuality: {
            Statistics: {
              ContentType: 'application/json',
              S3Uri: `s3://${bucket}/${key}`,
              ...(status === 'Approved' ? { ContentDigest: contentDigest(Buffer.from(body)) } : {}),
            },
          },
        },
      }),
    );
    reportOf.set(ModelPackageArn!, `s3://${bucket}/${key}`);
    // moto orders packages by creation time.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return ModelPackageArn!;
  };
  await register('Approved', 0.84);
  const worse = await register('PendingManualApproval', 0.7);
  const better = await register('PendingManualApproval', 0.86);
  let approvals: CodePipelineApprovals | undefined;
  /** The package the pipeline's current execution carries, and its approval token. */
  const pending = { arn: worse, token: 'token-1' };
  if (withApprovals) {
    // moto has no CodePipeline approval APIs.
    const codepipeline = aws.client((c) => new CodePipelineClient(c));
    aws.answer(codepipeline, 'GetPipelineState', () => ({
      stageStates: [
        {
          stageName: APPROVAL.stage,
          latestExecution: { pipelineExecutionId: `exec-${pending.token}`, status: 'InProgress' },
          actionStates: [
            { actionName: APPROVAL.action, latestExecution: { status: 'InProgress', token: pending.token } },
          ],
        },
      ],
    }));
    aws.answer(codepipeline, 'GetPipelineExecution', () => ({
      pipelineExecution: { variables: [{ name: 'MODEL_PACKAGE_ARN', resolvedValue: pending.arn }] },
    }));
    aws.answer(codepipeline, 'PutApprovalResult', () => ({ approvedAt: new Date() }));
    approvals = new CodePipelineApprovals(codepipeline);
  }
  const gates = gateWorkflow(policy, table, { dynamo, sagemaker, s3, sns }, recordingLogger().logger, {
    ...(approvals ? { approvals } : {}),
    guardrails: guardrails(policy, dynamo, table),
  });
  /** The real "Model Package State Change" event for a package of this group: the detail mirrors the package. */
  const packageEvent = (arn: string) => {
    const event = loadFixture('sagemaker-model-package-state-change.json');
    event.id = `bench-${arn.split('/').pop()}`;
    event.region = 'us-east-1';
    Object.assign(event.detail, {
      ModelPackageArn: arn,
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: reportOf.get(arn) } } },
    });
    return event;
  };
  return { gates, group, worse, better, pending, packageEvent };
}

/** The real manual-approval SNS message, as Lambda receives it through SNS. */
function approvalNotification(token: string) {
  const message = loadFixture('codepipeline-manual-approval.sns-message.json');
  message.approval.token = token;
  const TopicArn = `arn:aws:sns:us-east-2:${ACCOUNT}:pipeline-approvals`;
  return {
    Records: [{ EventSource: 'aws:sns', Sns: { MessageId: `m-${token}`, TopicArn, Message: JSON.stringify(message) } }],
  };
}

// ------------------------------------------------------------------ rollback and hooks

function rollbackClients(aws: CountingAws) {
  const codedeploy = aws.client((c) => new CodeDeployClient(c));
  fixMotoCodeDeployTimes(codedeploy);
  return {
    dynamo: aws.client((c) => new DynamoDBClient(c)),
    codedeploy,
    sagemaker: aws.client((c) => new SageMakerClient(c)),
    cloudwatch: aws.client((c) => new CloudWatchClient(c)),
    codepipeline: aws.client((c) => new CodePipelineClient(c)),
  };
}

/** A CodeDeploy application and group on moto with one deployment in flight (its description names `pkg`). */
async function inFlightDeployment(codedeploy: CodeDeployClient, description: string) {
  const application = uniqueName('bench-app');
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/cd`,
    }),
  );
  const { deploymentId } = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      description,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: 'model v2' } },
    }),
  );
  return { application, deploymentId: deploymentId! };
}

/** The real single-metric alarm event, for `name`, sent now (an older one is STALE). */
function alarm(name: string) {
  const event = sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString());
  event.id = `bench-${name}`;
  event.detail.alarmName = name;
  event.resources = [`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`];
  return event;
}

/** `n` endpoint configs on moto, each serving a model built from its own registered model package. */
async function endpointConfigs(sagemaker: SageMakerClient, n: number) {
  const group = uniqueName('bench-models');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const configs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const { ModelPackageArn } = await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        InferenceSpecification: {
          Containers: [{ Image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/m:${i}` }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    );
    const model = uniqueName(`bench-model${i}`);
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: model,
        ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sm`,
        PrimaryContainer: { ModelPackageName: ModelPackageArn },
      }),
    );
    const name = uniqueName(`bench-cfg${i}`);
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
        ],
      }),
    );
    configs.push(name);
  }
  return configs;
}

/** The real "Endpoint State Change" event: `config` went InService on `endpoint` at `at`. */
function endpointInService(endpoint: string, config: string, at: number) {
  const event = loadFixture('sagemaker-endpoint-state-change.json');
  event.id = `bench-${config}`;
  event.region = 'us-east-1';
  event.time = String(at);
  event.detail.EndpointName = endpoint;
  event.detail.EndpointConfigName = config;
  return event;
}

export const decisionCases: CallCase[] = [
  {
    name: 'registry gate decision (package approved)',
    target: 5,
    async setup(aws) {
      const w = await gateWorld(aws, false);
      const handle = modelRegistered(w.gates, recordingLogger().logger);
      await handle(w.packageEvent(w.worse)); // rejected: the champion stays
      return () => handle(w.packageEvent(w.better));
    },
  },
  {
    name: 'CodePipeline gate decision (approval answered)',
    async setup(aws) {
      const w = await gateWorld(aws, true);
      const handle = approvalRequested(w.gates, recordingLogger().logger);
      await handle(approvalNotification(w.pending.token)); // rejected
      Object.assign(w.pending, { arn: w.better, token: 'token-2' });
      return () => handle(approvalNotification('token-2'));
    },
  },
  {
    name: 'CodeDeploy rollback (in-flight deployment stopped)',
    target: 5,
    async setup(aws) {
      const clients = rollbackClients(aws);
      const table = uniqueName('bench-rollback');
      await createStateTable(clients.dynamo, table);
      const { application } = await inFlightDeployment(clients.codedeploy, 'model v2');
      // Its own alarm, in ALARM on moto: the rollback reads it back before it acts.
      const firing = uniqueName('bench-alarm');
      await firingOnMoto(clients.cloudwatch, [firing]);
      // moto has no StopDeployment.
      aws.answer(clients.codedeploy, 'StopDeployment', () => ({ status: 'Pending' }));
      const policy = validatePolicy({
        version: 1,
        controller,
        rollback: [
          {
            name: 'live',
            alarms: { names: [firing] },
            codedeploy: { application, deploymentGroup: 'live' },
          },
        ],
      });
      const handle = alarmFired(
        rollbackWorkflow(policy, table, clients, recordingLogger().logger, {
          guardrails: guardrails(policy, clients.dynamo, table),
        }),
        recordingLogger().logger,
      );
      await handle(alarm('SomeOtherAlarm')); // ignored: no binding selects it
      return () => handle(alarm(firing));
    },
  },
  {
    name: 'endpoint rollback (UpdateEndpoint to the last good config)',
    async setup(aws) {
      const clients = rollbackClients(aws);
      const table = uniqueName('bench-endpoint');
      await createStateTable(clients.dynamo, table);
      const [good, bad] = (await endpointConfigs(clients.sagemaker, 2)) as [string, string];
      // Its own alarm, in ALARM on moto: the rollback reads it back before it acts.
      const firing = uniqueName('bench-alarm');
      await firingOnMoto(clients.cloudwatch, [firing]);
      const endpoint = uniqueName('bench-ep');
      await clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: bad }));
      // moto has no UpdateEndpoint.
      aws.answer(clients.sagemaker, 'UpdateEndpoint', () => ({
        EndpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${endpoint}`,
      }));
      const policy = validatePolicy({
        version: 1,
        controller,
        rollback: [{ name: 'live', alarms: { names: [firing] }, endpoint: { name: endpoint } }],
      });
      const workflow = rollbackWorkflow(policy, table, clients, recordingLogger().logger, {
        guardrails: guardrails(policy, clients.dynamo, table),
      });
      // The endpoint function saw both configs go InService (the alarm function shares the table).
      const sighting = endpointChanged(workflow, recordingLogger().logger);
      await sighting(endpointInService(endpoint, good, Date.now() - 7_200_000));
      await sighting(endpointInService(endpoint, bad, Date.now() - 3_600_000));
      const handle = alarmFired(workflow, recordingLogger().logger);
      await handle(alarm('SomeOtherAlarm'));
      return () => handle(alarm(firing));
    },
  },
  {
    name: 'lifecycle hook (checks pass, Succeeded answered)',
    async setup(aws) {
      const { dynamo, codedeploy, sagemaker, cloudwatch } = rollbackClients(aws);
      const s3 = aws.client((c) => new S3Client(c));
      const sagemakerRuntime = aws.client((c) => new SageMakerRuntimeClient(c));
      const table = uniqueName('bench-hook');
      await createStateTable(dynamo, table);
      const group = uniqueName('bench-models');
      await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
      const { ModelPackageArn } = await sagemaker.send(
        new CreateModelPackageCommand({ ModelPackageGroupName: group, ModelApprovalStatus: 'Approved' }),
      );
      const { application, deploymentId } = await inFlightDeployment(codedeploy, `model ${ModelPackageArn}`);
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: 'ServerCpuTooHigh',
          MetricName: 'CPUUtilization',
          Namespace: 'AWS/EC2',
          Statistic: 'Average',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 90,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
      const bucket = uniqueName('bench-smoke');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'smoke.json', Body: '{"instances":[[1,2]]}' }));
      // moto's InvokeEndpoint answers a fixed body only; PutLifecycleEventHookExecutionStatus it lacks.
      aws.answer(sagemakerRuntime, 'InvokeEndpoint', () => ({
        Body: new TextEncoder().encode('{"predictions":[0.2]}'),
        ContentType: 'application/json',
      }));
      aws.answer(codedeploy, 'PutLifecycleEventHookExecutionStatus', (input) => ({
        lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId,
      }));
      const policy = validatePolicy({
        version: 1,
        controller,
        hooks: [
          {
            application,
            alarms: ['ServerCpuTooHigh'],
            smoke: {
              endpoint: 'churn-endpoint',
              payload: `s3://${bucket}/smoke.json`,
              expectJsonKeys: ['predictions'],
            },
          },
        ],
      });
      const handle = deploymentHook(
        hookWorkflow(
          policy,
          table,
          { dynamo, codedeploy, cloudwatch, sagemaker, sagemakerRuntime, s3 },
          recordingLogger().logger,
          guardrails(policy, dynamo, table),
        ),
        recordingLogger().logger,
      );
      const hook = (execution: string) =>
        Object.assign(loadFixture('codedeploy-lifecycle-hook.lambda.powertools'), {
          DeploymentId: deploymentId,
          LifecycleEventHookExecutionId: execution,
        });
      const context = { getRemainingTimeInMillis: () => 30_000 };
      await handle(hook('hook-before'), context); // BeforeAllowTraffic
      return () => handle(hook('hook-after'), context); // AfterAllowTraffic
    },
  },
];
