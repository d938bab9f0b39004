/**
 * `validate --aws` against moto: every resource the policy names is looked up once with a read-only
 * call, and what is missing or of the wrong kind is reported at its policy path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import {
  CodePipelineClient,
  CreatePipelineCommand as CreateCodePipelineCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
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
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { validatePolicy, type Policy } from '../../functions/config/policy';
import { awsClients, checkAws, READ_ONLY } from '../../functions/cli/validate-aws';
import { awsClientConfig, motoEndpoint, uniqueName } from '../support/aws';
import { epochTimestamps } from '../support/moto-timestamps';

const config = awsClientConfig();
const s3 = new S3Client(config);
const s3West = new S3Client({ ...config, region: 'eu-west-1' });
const codepipeline = new CodePipelineClient(config);
const sagemaker = new SageMakerClient(config);
const codedeploy = new CodeDeployClient(config);
const cloudwatch = new CloudWatchClient(config);
const sns = new SNSClient(config);
const iam = new IAMClient(config);

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
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const c of [s3, s3West, codepipeline, sagemaker, codedeploy, cloudwatch, sns, iam]) c.destroy();
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

const check = async (policy: Policy) => {
  const clients = awsClients(config);
  epochTimestamps(clients.codepipeline);
  epochTimestamps(clients.codedeploy);
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
