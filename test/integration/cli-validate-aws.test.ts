/**
 * `validate --aws` against moto: every resource the policy names is looked up once with a read-only
 * call, and what is missing or of the wrong kind is reported at its policy path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CodeBuildClient, CreateProjectCommand } from '@aws-sdk/client-codebuild';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import {
  CodePipelineClient,
  CreatePipelineCommand as CreateCodePipelineCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateStateMachineAliasCommand, CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { validatePolicy, type Policy } from '../../functions/config/policy';
import { awsClients, checkAws, READ_ONLY } from '../../functions/cli/validate-aws';
import { awsClientConfig, motoEndpoint, uniqueName } from '../support/aws';
import { authorizationsOf } from '../support/aws-rules/iam-actions';
import { latencyMetric, variantLatencyMetric } from '../support/canary-moto';
import { epochTimestamps } from '../support/moto-timestamps';
import { STACK, simulate } from '../support/role-simulation';
import { documentedActions, documentedPolicy } from '../support/validate-permissions';

const config = awsClientConfig();
const s3 = new S3Client(config);
const s3West = new S3Client({ ...config, region: 'eu-west-1' });
const codepipeline = new CodePipelineClient(config);
const sagemaker = new SageMakerClient(config);
const codedeploy = new CodeDeployClient(config);
const cloudwatch = new CloudWatchClient(config);
const sns = new SNSClient(config);
const iam = new IAMClient(config);
const sfn = new SFNClient(config);
const codebuild = new CodeBuildClient(config);
const events = new EventBridgeClient(config);

const n = {
  data: uniqueName('va-data'),
  west: uniqueName('va-west'),
  manifests: uniqueName('va-manifests'),
  reports: uniqueName('va-reports'),
  retrain: uniqueName('va-retrain'),
  legacy: uniqueName('va-legacy'),
  deploy: uniqueName('va-deploy'),
  training: uniqueName('va-training'),
  lambdaApp: uniqueName('va-lambda-app'),
  serverApp: uniqueName('va-server-app'),
  group: 'live',
  models: uniqueName('va-models'),
  endpoint: uniqueName('va-endpoint'),
  errors: uniqueName('va-errors'),
  topic: '',
  machine: uniqueName('va-flow'),
  machineArn: '',
  aliasArn: '',
  project: uniqueName('va-build'),
  project2: uniqueName('va-train'),
  bus: uniqueName('va-decisions'),
  scorerApp: uniqueName('va-scorer'),
  ecsApp: uniqueName('va-ecs'),
  ab: uniqueName('va-ab'),
};

let dir: string;

function pipelineDeclaration(name: string, roleArn: string, v2: boolean): PipelineDeclaration {
  const artifact = [{ name: 'src' }];
  return {
    name,
    roleArn,
    artifactStore: { type: 'S3', location: n.manifests },
    ...(v2
      ? {
          pipelineType: 'V2',
          variables: [
            { name: 'MANIFEST_URI', defaultValue: 'none' },
            { name: 'MODEL_PACKAGE_ARN', defaultValue: 'none' },
          ],
        }
      : {}),
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Data',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
            configuration: { S3Bucket: n.data, S3ObjectKey: 'code.zip' },
            outputArtifacts: artifact,
          },
        ],
      },
      {
        name: 'Approval',
        actions: [
          {
            name: 'QualityGate',
            actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          },
          {
            name: 'Ship',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeploy', version: '1' },
            configuration: { ApplicationName: n.lambdaApp, DeploymentGroupName: n.group },
            inputArtifacts: artifact,
          },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'validate-aws-'));
  for (const b of [n.data, n.manifests, n.reports]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3West.send(
    new CreateBucketCommand({ Bucket: n.west, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
  );
  await s3.send(new PutObjectCommand({ Bucket: n.reports, Key: 'smoke/request.json', Body: '{}' }));
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: uniqueName('va-pipeline-role'),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  for (const [name, v2] of [
    [n.retrain, true],
    [n.deploy, true],
    [n.legacy, false],
  ] as const)
    await codepipeline.send(new CreateCodePipelineCommand({ pipeline: pipelineDeclaration(name, Role!.Arn!, v2) }));
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: n.training,
      PipelineDefinition: JSON.stringify({
        Version: '2020-12-01',
        Parameters: [{ Name: 'ManifestUri', Type: 'String' }],
        Steps: [],
      }),
      RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-pipeline',
    }),
  );
  for (const [app, computePlatform] of [
    [n.lambdaApp, 'Lambda'],
    [n.serverApp, 'Server'],
    [n.scorerApp, 'Lambda'],
    [n.ecsApp, 'ECS'],
  ] as const) {
    await codedeploy.send(new CreateApplicationCommand({ applicationName: app, computePlatform }));
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: app,
        deploymentGroupName: n.group,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/cd',
      }),
    );
  }
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: n.models }));
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: n.endpoint,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sm',
      PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1' },
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: n.endpoint,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: n.endpoint, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
    }),
  );
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: n.endpoint, EndpointConfigName: n.endpoint }));
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: n.errors,
      MetricName: 'Invocation5XXErrors',
      Namespace: 'AWS/SageMaker',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  n.topic = (await sns.send(new CreateTopicCommand({ Name: uniqueName('va-holds') }))).TopicArn!;

  // Step Functions, CodeBuild targets, a decision bus, and two canary analyses (a Lambda group, an
  // endpoint A/B) whose series CloudWatch lists for all but the endpoint's canary variant.
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: n.machine,
      definition: JSON.stringify({ StartAt: 'Train', States: { Train: { Type: 'Pass', End: true } } }),
      roleArn: 'arn:aws:iam::123456789012:role/va-state-machine',
      publish: true,
    }),
  );
  n.machineArn = machine.stateMachineArn!;
  n.aliasArn = (
    await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        routingConfiguration: [{ stateMachineVersionArn: machine.stateMachineVersionArn!, weight: 100 }],
      }),
    )
  ).stateMachineAliasArn!;
  for (const name of [n.project, n.project2])
    await codebuild.send(
      new CreateProjectCommand({
        name,
        source: { type: 'S3', location: `${n.data}/code.zip` },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: {
          type: 'LINUX_CONTAINER',
          image: 'aws/codebuild/standard:7.0',
          computeType: 'BUILD_GENERAL1_SMALL',
        },
        serviceRole: 'arn:aws:iam::123456789012:role/va-codebuild',
      }),
    );
  await events.send(new CreateEventBusCommand({ Name: n.bus }));
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: n.ab,
      ProductionVariants: ['v1', 'v2'].map((VariantName) => ({
        VariantName,
        ModelName: n.endpoint,
        InitialInstanceCount: 1,
        InstanceType: 'ml.m5.large',
        InitialVariantWeight: 0.5,
      })),
    }),
  );
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: n.ab, EndpointConfigName: n.ab }));
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'VA/Scorer',
      MetricData: [
        {
          MetricName: 'Duration',
          Value: 12,
          Dimensions: [
            { Name: 'FunctionName', Value: 'scorer' },
            { Name: 'Resource', Value: 'scorer:live' },
            { Name: 'ExecutedVersion', Value: '3' },
          ],
        },
        {
          MetricName: 'ModelLatency',
          Value: 40,
          Dimensions: [
            { Name: 'EndpointName', Value: n.ab },
            { Name: 'VariantName', Value: 'v1' },
          ],
        },
      ],
    }),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const c of [s3, s3West, codepipeline, sagemaker, codedeploy, cloudwatch, sns, iam, sfn, codebuild, events])
    c.destroy();
});

/** A policy naming every kind of resource; `over` replaces parts of it. */
function policyDoc(over: (p: any) => void = () => {}): any {
  const doc: any = {
    version: 1,
    controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: n.manifests } },
    retraining: [
      {
        name: 'churn',
        source: { bucket: n.data, prefix: 'churn/' },
        target: { type: 'codepipeline', name: n.retrain },
        trigger: { marker: '_SUCCESS' },
      },
      {
        name: 'ranking',
        source: { bucket: n.data, prefix: 'ranking/' },
        target: { type: 'sagemaker', name: n.training },
        trigger: { maxObjects: 10 },
      },
    ],
    gates: [
      {
        name: 'churn-quality',
        modelPackageGroup: n.models,
        reportBuckets: [n.reports],
        notifyTopicArn: n.topic,
        checks: [{ metric: 'auc', from: 'ModelQuality.Statistics', path: 'auc', min: 0.7 }],
        approvals: [
          { pipeline: n.deploy, stage: 'Approval', action: 'QualityGate', package: { variable: 'MODEL_PACKAGE_ARN' } },
        ],
      },
    ],
    rollback: [
      {
        name: 'churn-live',
        alarms: { names: [n.errors], prefixes: ['va-errors-', 'va-nothing-'] },
        codedeploy: { application: n.lambdaApp, deploymentGroup: n.group },
        endpoint: { name: n.endpoint },
        modelPackageGroup: n.models,
        freeze: { pipeline: n.deploy, stage: 'Approval' },
      },
    ],
    hooks: [
      {
        application: n.lambdaApp,
        deploymentGroup: n.group,
        alarms: [n.errors],
        smoke: { endpoint: n.endpoint, payload: `s3://${n.reports}/smoke/request.json` },
      },
    ],
    stageRetry: [{ pipeline: n.deploy, stages: ['Approval'] }],
  };
  over(doc);
  return doc;
}

/** Adds Step Functions (a state machine, an alias) and CodeBuild targets, a decision bus, two analyses. */
function withTargets(p: any): void {
  p.controller.decisions = { eventBus: n.bus };
  const rule = (name: string, target: object) => ({
    name,
    source: { bucket: n.data, prefix: `${name}/` },
    target,
    trigger: { maxObjects: 1 },
  });
  p.retraining.push(
    rule('flow', { type: 'stepfunctions', stateMachineArn: n.machineArn }),
    rule('flow-live', { type: 'stepfunctions', stateMachineArn: n.aliasArn }),
    rule('build', { type: 'codebuild', name: n.project }),
    rule('train', { type: 'codebuild', name: n.project2 }),
    rule('train-again', { type: 'codebuild', name: n.project2 }),
  );
  p.rollback.push(
    {
      name: 'scorer',
      alarms: { names: [n.errors] },
      codedeploy: { application: n.scorerApp, deploymentGroup: n.group },
    },
    { name: 'ab', alarms: { names: [n.errors] }, endpoint: { name: n.ab } },
  );
  p.analysis = [
    {
      name: 'scorer-canary',
      target: { codedeploy: { application: n.scorerApp, deploymentGroup: n.group } },
      metrics: [{ ...latencyMetric, namespace: 'VA/Scorer' }],
    },
    {
      name: 'ab',
      target: { endpoint: { name: n.ab, canaryVariant: 'v2', baselineVariant: 'v1' } },
      metrics: [{ ...variantLatencyMetric, namespace: 'VA/Scorer' }],
    },
  ];
}

/** Every request `validate --aws` sent in this file: the documented IAM policy must allow each. */
const sent: Array<{ service: string; operation: string; input: Record<string, unknown> }> = [];

const check = async (policy: Policy) => {
  const clients = awsClients(config);
  epochTimestamps(clients.codepipeline);
  epochTimestamps(clients.codedeploy);
  for (const c of Object.values(clients))
    if (c && typeof c === 'object' && 'middlewareStack' in c) {
      const client = c as unknown as {
        config: { serviceId: string };
        middlewareStack: { add: (mw: unknown, o: object) => void };
      };
      client.middlewareStack.add(
        (next: (a: { input: Record<string, unknown> }) => unknown, context: { commandName?: string }) =>
          (args: { input: Record<string, unknown> }) => {
            sent.push({
              service: client.config.serviceId,
              operation: (context.commandName ?? '').replace(/Command$/, ''),
              input: structuredClone(args.input),
            });
            return next(args);
          },
        { step: 'initialize', name: 'validateAwsSent' },
      );
    }
  const report = await checkAws(policy, clients);
  for (const c of Object.values(clients))
    if (c && typeof c === 'object' && 'destroy' in c) (c as { destroy(): void }).destroy();
  return report;
};

describe('validate --aws on moto', () => {
  it('finds every named resource, with one read-only call per resource', async () => {
    // A hook on every group of the application: GetApplication instead.
    const report = await check(validatePolicy(policyDoc((p) => p.hooks.push({ application: n.lambdaApp }))));
    expect(report.errors).toEqual([]);
    expect(report.unchecked).toEqual([]);
    // The prefix matches no alarm: named, but acting on nothing.
    expect(report.warnings).toEqual([
      "rollback[0].alarms.prefixes[1]: no alarm's name starts with va-nothing- yet, so the binding acts on none",
    ]);
    expect(Object.fromEntries(report.calls)).toEqual({
      // retrain and deploy: one GetPipeline each, however many fields name deploy.
      'codepipeline.GetPipeline': 2,
      'sagemaker.DescribePipeline': 1,
      'sagemaker.DescribeModelPackageGroup': 1,
      'sagemaker.DescribeEndpoint': 1,
      'codedeploy.GetDeploymentGroup': 1,
      'codedeploy.GetApplication': 1,
      's3.HeadBucket': 3,
      's3.HeadObject': 1,
      // The names in one call; each prefix in one more.
      'cloudwatch.DescribeAlarms': 3,
      'sns.GetTopicAttributes': 1,
    });
    for (const op of report.calls.keys()) expect(op.split('.')[1]).toMatch(READ_ONLY);
  });

  it('names each missing resource at its path', async () => {
    const policy = validatePolicy(
      policyDoc((p) => {
        p.retraining[0].source.bucket = 'va-no-such-bucket';
        p.retraining[0].target.name = 'va-no-such-pipeline';
        p.retraining[1].target.name = 'va-no-such-training';
        p.gates[0].modelPackageGroup = 'va-no-such-models';
        p.gates[0].notifyTopicArn = 'arn:aws:sns:us-east-1:123456789012:va-no-such-topic';
        p.rollback[0].alarms.names = ['va-no-such-alarm'];
        p.rollback[0].codedeploy.deploymentGroup = 'nope';
        p.rollback[0].endpoint.name = 'va-no-such-endpoint';
        p.hooks[0].application = 'va-no-such-app';
        p.hooks[0].smoke.payload = `s3://${n.reports}/smoke/missing.json`;
      }),
    );
    const report = await check(policy);
    const paths = report.errors.map((e) => e.slice(0, e.indexOf(':')));
    expect(paths.sort()).toEqual(
      [
        'retraining[0].source.bucket',
        'retraining[0].target.name',
        'retraining[1].target.name',
        'gates[0].modelPackageGroup',
        'gates[0].notifyTopicArn',
        'rollback[0].alarms.names[0]',
        'rollback[0].codedeploy',
        'rollback[0].endpoint.name',
        'hooks[0].deploymentGroup',
        'hooks[0].smoke.payload',
      ].sort(),
    );
    expect(report.errors).toEqual(
      expect.arrayContaining([
        "retraining[0].target.name: no CodePipeline pipeline va-no-such-pipeline in us-east-1 (PipelineNotFoundException: Account '123456789012' does not have a pipeline with name 'va-no-such-pipeline'): create it, or write the name of one that exists",
        'retraining[0].source.bucket: no bucket va-no-such-bucket in us-east-1 (NotFound, HTTP 404): create it, or write the name of one that exists',
      ]),
    );
    expect(report.unchecked).toEqual([]);
  });

  it('reports resources of the wrong kind: a V1 pipeline, undeclared variables and parameters, a Deploy action as the approval, a Server group under a hook, a stage the pipeline lacks, a bucket in another region', async () => {
    const policy = validatePolicy(
      policyDoc((p) => {
        p.retraining[0].target.name = n.legacy;
        p.retraining[1].source.bucket = n.west;
        p.retraining[1].target.parameters = { InstanceType: 'ml.m5.large' };
        p.gates[0].approvals[0].action = 'Ship';
        p.gates[0].approvals[0].package = { variable: 'PACKAGE' };
        p.rollback[0].freeze.stage = 'Production';
        p.hooks[0].application = n.serverApp;
        p.hooks.push({ application: n.serverApp });
        p.stageRetry[0].stages = ['Approval', 'Deploy'];
      }),
    );
    const report = await check(policy);
    expect(report.errors.sort()).toEqual(
      [
        `retraining[0].target.name: ${n.legacy} is a V1 pipeline: StartPipelineExecution takes variables (the manifest's URI) only on V2 pipelines; change it to V2 (pipelineType: V2)`,
        `retraining[0].target.manifestVariable: pipeline ${n.legacy} declares no variable MANIFEST_URI (it declares none): add MANIFEST_URI to the pipeline's variables, or write manifestVariable: <a declared variable>`,
        `retraining[1].source.bucket: bucket ${n.west} is in eu-west-1, the stack in us-east-1: S3 sends a bucket's events to EventBridge in the bucket's own region, so the stack would never see them; deploy the stack in eu-west-1 (--region eu-west-1) or use a bucket in us-east-1`,
        `retraining[1].target.parameters.InstanceType: SageMaker pipeline ${n.training} defines no parameter InstanceType (it defines ManifestUri): SageMaker refuses a start naming an undefined parameter; add it to the pipeline definition, or write parameters: <a defined parameter>`,
        `gates[0].approvals[0].package.variable: pipeline ${n.deploy} declares no variable PACKAGE (it declares MANIFEST_URI, MODEL_PACKAGE_ARN): add PACKAGE to the pipeline's variables, or write package: { variable }: <a declared variable>`,
        `gates[0].approvals[0].action: Ship is a deploy action (CodeDeploy), not a manual approval: PutApprovalResult answers Approval actions only; name its approval action (QualityGate)`,
        `rollback[0].freeze.stage: pipeline ${n.deploy} has no stage Production (its stages: Source, Approval)`,
        `hooks[0].deploymentGroup: ${n.serverApp}/live deploys to EC2/on-premises (Server): its lifecycle hooks are scripts the agent runs on the instances, never a Lambda function, so this check would never run; bind a Lambda or ECS deployment group`,
        `hooks[1].application: ${n.serverApp} deploys to EC2/on-premises (Server): its lifecycle hooks are scripts the agent runs on the instances, never a Lambda function, so this check would never run; bind a Lambda or ECS deployment group`,
        `stageRetry[0].stages[1]: pipeline ${n.deploy} has no stage Deploy (its stages: Source, Approval)`,
      ].sort(),
    );
  });

  it('checks Step Functions and CodeBuild targets, the decision bus and the analyses: one call per resource, the projects in one batch, and warns of a series not published yet', async () => {
    const report = await check(validatePolicy(policyDoc(withTargets)));
    expect(report.errors).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect(report.warnings).toEqual([
      "rollback[0].alarms.prefixes[1]: no alarm's name starts with va-nothing- yet, so the binding acts on none",
      `analysis[1].metrics[0]: CloudWatch lists no VA/Scorer ModelLatency with EndpointName=${n.ab}, VariantName=v2 (ListMetrics: none published in the last two weeks): the canary series has no data yet, so the metric is NODATA until it is published; if it should be, check namespace, metricName and dimensions and canary`,
    ]);
    expect(Object.fromEntries(report.calls)).toEqual({
      'codepipeline.GetPipeline': 2,
      'sagemaker.DescribePipeline': 1,
      'sagemaker.DescribeModelPackageGroup': 1,
      // The A/B endpoint once for its binding and its analysis.
      'sagemaker.DescribeEndpoint': 2,
      // The scorer group once for its binding and its analysis.
      'codedeploy.GetDeploymentGroup': 2,
      's3.HeadBucket': 3,
      's3.HeadObject': 1,
      'cloudwatch.DescribeAlarms': 3,
      'sns.GetTopicAttributes': 1,
      'stepfunctions.DescribeStateMachine': 1,
      'stepfunctions.DescribeStateMachineAlias': 1,
      // Two projects, three rules: one batch.
      'codebuild.BatchGetProjects': 1,
      'events.DescribeEventBus': 1,
      // The scorer's canary and baseline filter alike (versions are a deployment's); the A/B's differ.
      'cloudwatch.ListMetrics': 3,
    });
  });

  it('names each missing target, bus, group and variant at its path, with the name meant from one list call per kind', async () => {
    const typo = (name: string, from: string, to: string) => name.replace(from, to);
    const report = await check(
      validatePolicy(
        policyDoc((p) => {
          withTargets(p);
          p.controller.decisions.eventBus = typo(n.bus, 'va-decisions', 'va-decisons');
          p.retraining[2].target.stateMachineArn = typo(n.machineArn, 'va-flow', 'va-folw');
          p.retraining[3].target.stateMachineArn = typo(n.aliasArn, ':live', ':lvie');
          p.retraining[4].target.name = typo(n.project, 'va-build', 'va-biuld');
          // The binding and the analysis name the same group: both report it, from one lookup.
          p.rollback[1].codedeploy.deploymentGroup = 'liev';
          p.analysis[0].target.codedeploy.deploymentGroup = 'liev';
          p.analysis[1].target.endpoint.baselineVariant = 'v0';
        }),
      ),
    );
    expect(report.errors).toHaveLength(7);
    expect(report.errors).toEqual(
      expect.arrayContaining([
        `controller.decisions.eventBus: no EventBridge event bus ${typo(n.bus, 'va-decisions', 'va-decisons')} in us-east-1 (ResourceNotFoundException: Event bus ${typo(n.bus, 'va-decisions', 'va-decisons')} does not exist.): did you mean ${n.bus}? write eventBus: ${n.bus}, or create it`,
        `retraining[2].target.stateMachineArn: no Step Functions state machine ${typo(n.machineArn, 'va-flow', 'va-folw')} in us-east-1 (StateMachineDoesNotExist: State Machine Does Not Exist: '${typo(n.machineArn, 'va-flow', 'va-folw')}'): did you mean ${n.machineArn}? write stateMachineArn: ${n.machineArn}, or create it`,
        expect.stringMatching(
          new RegExp(
            `^retraining\\[3\\]\\.target\\.stateMachineArn: no Step Functions state machine ${typo(n.aliasArn, ':live', ':lvie')} in us-east-1 \\(ResourceNotFound.*\\): create it, or write the name of one that exists$`,
          ),
        ),
        `retraining[4].target.name: no CodeBuild project ${typo(n.project, 'va-build', 'va-biuld')} in us-east-1 (BatchGetProjects: projectsNotFound): did you mean ${n.project}? write name: ${n.project}, or create it`,
        expect.stringMatching(
          new RegExp(
            `^rollback\\[1\\]\\.codedeploy: no CodeDeploy deployment group ${n.scorerApp}/liev in us-east-1 \\(DeploymentGroupDoesNotExistException.*\\): did you mean live\\? write deploymentGroup: live, or create it$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^analysis\\[0\\]\\.target\\.codedeploy: no CodeDeploy deployment group ${n.scorerApp}/liev in us-east-1 \\(DeploymentGroupDoesNotExistException.*\\): did you mean live\\? write deploymentGroup: live, or create it$`,
          ),
        ),
        `analysis[1].target.endpoint.baselineVariant: endpoint ${n.ab} serves no production variant v0 (its variants: v1, v2): the baseline is the variant serving now, so nothing would be compared; did you mean v1? write baselineVariant: v1`,
      ]),
    );
    expect(report.calls.get('stepfunctions.ListStateMachines')).toBe(1);
    expect(report.calls.get('codebuild.ListProjects')).toBe(1);
    expect(report.calls.get('events.ListEventBuses')).toBe(1);
    expect(report.calls.get('codedeploy.ListDeploymentGroups')).toBe(1);
  });

  it('refuses to judge a canary on an ECS deployment group', async () => {
    const report = await check(
      validatePolicy(
        policyDoc((p) => {
          withTargets(p);
          p.rollback[1].codedeploy.application = n.ecsApp;
          p.analysis[0].target.codedeploy.application = n.ecsApp;
        }),
      ),
    );
    expect(report.errors).toEqual([
      `analysis[0].target.codedeploy: ${n.ecsApp}/live deploys to ECS: the judgment compares a Lambda deployment's versions (its AppSpec's CurrentVersion and TargetVersion), and no ECS deployment names its canary's series; name a Lambda deployment group, or judge this model on its endpoint`,
    ]);
  });

  it('the CLI prints the findings and the calls, and exits 1 on a missing resource, 0 when all exist', () => {
    const cli = (file: string) =>
      spawnSync(process.execPath, ['functions/cli/bin.mjs', 'validate', '--aws', file], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          AWS_ENDPOINT_URL: motoEndpoint(),
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
    // Without CodePipeline names and application-wide hooks: the CLI process cannot read moto's
    // GetPipeline and GetApplication answers (moto-timestamps.ts).
    const withoutCodePipeline = (p: any) => {
      p.retraining.shift();
      p.gates[0].approvals = [];
      delete p.rollback[0].freeze;
      p.stageRetry = [];
    };
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(policyDoc(withoutCodePipeline)));
    const ok = cli(good);
    expect([ok.status, ok.stderr]).toEqual([
      0,
      expect.stringContaining(
        `${good}: 12 read-only calls: cloudwatch.DescribeAlarms ×3, codedeploy.GetDeploymentGroup ×1, s3.HeadBucket ×3, s3.HeadObject ×1, sagemaker.DescribeEndpoint ×1, sagemaker.DescribeModelPackageGroup ×1, sagemaker.DescribePipeline ×1, sns.GetTopicAttributes ×1`,
      ),
    ]);
    expect(ok.stderr).toContain("warning: rollback[0].alarms.prefixes[1]: no alarm's name starts with va-nothing- yet");
    expect(ok.stdout).toContain('AWS resources checked; 1 warning(s)');
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify(
        policyDoc((p) => {
          withoutCodePipeline(p);
          p.rollback[0].endpoint.name = 'va-no-such-endpoint';
        }),
      ),
    );
    const run = cli(bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('rollback[0].endpoint.name: no SageMaker endpoint va-no-such-endpoint in us-east-1');
  });
});

describe('the IAM policy docs/policy.md gives for validate --aws', () => {
  // Runs after the tests above (jest runs a file's tests in order): every request they sent.
  it('allows every call the command made here, and lists no action none of them needed', async () => {
    expect(sent.length).toBeGreaterThan(0);
    const where = { account: STACK.account, region: STACK.region, partition: STACK.partition };
    const policy = documentedPolicy();
    const needed = new Set<string>();
    const refused: string[] = [];
    for (const call of sent)
      for (const auth of await authorizationsOf(call.service, call.operation, call.input, where, new Map())) {
        needed.add(auth.action);
        const answer = await simulate([policy], auth);
        if (answer !== 'Allowed') refused.push(`${call.service}.${call.operation}: ${answer} for ${auth.action}`);
      }
    expect([...new Set(refused)]).toEqual([]);
    expect([...needed].sort()).toEqual([...documentedActions()].sort());
  });
});
