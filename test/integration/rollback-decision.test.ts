/**
 * One rollback decision on the real AWS adapters: CodeDeploy, DynamoDB (state table, decision log)
 * and CloudWatch on moto; StopDeployment (moto lacks it) stubbed on the otherwise real client. An
 * SDK middleware counts every call, which is the number docs/rollback.md reports.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, DisableStageTransitionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchAlarms } from '../../functions/adapters/aws/cloudwatch';
import { CodeDeployDeployments } from '../../functions/adapters/aws/codedeploy';
import { CodePipelineStages } from '../../functions/adapters/aws/codepipeline-stages';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoRedeployWatch } from '../../functions/adapters/aws/dynamodb/redeploy-watch';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { SageMakerPackageStatus } from '../../functions/adapters/aws/package-status';
import { SageMakerEndpoints } from '../../functions/adapters/aws/sagemaker-endpoints';
import { validatePolicy } from '../../functions/config/policy';
import { alarmFired } from '../../functions/handlers/alarm-fired';
import { systemClock } from '../../functions/ports/clock';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { Guardrails } from '../../functions/guardrails';
import { RollbackWorkflow } from '../../functions/workflows/rollback';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { firingOnMoto, sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { recordingLogger } from '../support/memory-harness';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { policyInput } from '../support/policies';
import { serializeRequests } from '../support/serialize-requests';
import { stubOperation } from '../support/stub-operation';

const dynamo = new DynamoDBClient(awsClientConfig());
serializeRequests(dynamo);
const table = uniqueName('rollback-decision');
beforeAll(() => createStateTable(dynamo, table));
beforeAll(async () => {
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  await firingOnMoto(cloudwatch);
  cloudwatch.destroy();
});
afterAll(() => dynamo.destroy());

const policyFor = (application: string, extra: Record<string, unknown> = {}) =>
  validatePolicy({
    ...policyInput([]),
    rollback: [
      {
        name: 'live',
        alarms: { names: ['ServerCpuTooHigh', 'TotalNetworkTrafficTooHigh', 'ServiceAggregatedAlarm'] },
        codedeploy: { application, deploymentGroup: 'live' },
        ...extra,
      },
    ],
  });

async function world() {
  const codedeploy = new CodeDeployClient(awsClientConfig());
  fixMotoCodeDeployTimes(codedeploy);
  const application = uniqueName('app');
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/cd',
    }),
  );
  const inFlight = (
    await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: 'model v4' } },
      }),
    )
  ).deploymentId!;
  const stops = stubOperation(codedeploy, 'StopDeploymentCommand', () => ({ status: 'Pending' }));
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  const codepipeline = new CodePipelineClient(awsClientConfig());
  const sagemaker = new SageMakerClient(awsClientConfig());
  const counter = countCalls(codedeploy, dynamo, cloudwatch, codepipeline, sagemaker);
  const { logger } = recordingLogger();
  const build = (policy: ReturnType<typeof policyFor>) =>
    new RollbackWorkflow({
      policy,
      store: new DynamoRollbackStore(dynamo, table),
      deployments: new CodeDeployDeployments(codedeploy),
      endpoints: new SageMakerEndpoints(sagemaker),
      alarms: new CloudWatchAlarms(cloudwatch),
      stages: new CodePipelineStages(codepipeline),
      packages: new SageMakerPackageStatus(sagemaker),
      decisions: new DynamoDecisionLog(dynamo, table),
      clock: systemClock,
      logger,
    });
  return { application, inFlight, stops, counter, logger, build, codedeploy };
}

describe('a rollback decision on the AWS adapters', () => {
  it('stopping an in-flight deployment costs 5 AWS calls: the alarm read back, 2 CodeDeploy reads, the committed decision, the stop', async () => {
    const w = await world();
    const handle = alarmFired(w.build(policyFor(w.application)), w.logger);
    w.counter.reset();
    await handle(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()));
    expect(w.stops).toEqual([{ deploymentId: w.inFlight, autoRollbackEnabled: true }]);
    expect(w.counter.calls).toEqual([
      'CloudWatch.DescribeAlarms', // a late or outdated ALARM does not act
      'CodeDeploy.ListDeployments',
      'CodeDeploy.BatchGetDeployments',
      'DynamoDB.TransactWriteItems', // the decision's record and its one-rollback claim, before the stop
      'CodeDeploy.StopDeployment',
    ]);
  });

  it('50 concurrent deliveries of alarms bound to one group stop its deployment once', async () => {
    const w = await world();
    const handle = alarmFired(w.build(policyFor(w.application)), w.logger);
    const fixtures = [
      'cloudwatch-alarm-state-change.single-metric',
      'cloudwatch-alarm-state-change.metric-math',
      'cloudwatch-alarm-state-change.composite-with-suppressor',
    ];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => handle(sentAt(loadFixture(fixtures[i % 3]!), new Date().toISOString()))),
    );
    expect(w.stops).toEqual([{ deploymentId: w.inFlight, autoRollbackEnabled: true }]);
  }, 60_000);
});

describe('a rollback decision under the kill switch (guardrails, moto)', () => {
  it('a pause set a moment ago withholds the stop, though the function cached the switch as off', async () => {
    const w = await world();
    const own = uniqueName('rollback-paused');
    await createStateTable(dynamo, own);
    const policy = policyFor(w.application);
    const functionSwitch = new DynamoKillSwitch(dynamo, own, { cacheSeconds: 30 });
    expect((await functionSwitch.state()).paused).toBe(false); // cached for 30 s
    const guardrails = new Guardrails({ policy, killSwitch: functionSwitch, logger: w.logger, clock: systemClock });
    const decisions = new DynamoDecisionLog(dynamo, own, { killSwitch: functionSwitch });
    const workflow = new RollbackWorkflow(
      guardrails.guardWrites({
        policy,
        store: new DynamoRollbackStore(dynamo, own),
        deployments: new CodeDeployDeployments(w.codedeploy),
        endpoints: new SageMakerEndpoints(new SageMakerClient(awsClientConfig())),
        alarms: new CloudWatchAlarms(new CloudWatchClient(awsClientConfig())),
        stages: new CodePipelineStages(new CodePipelineClient(awsClientConfig())),
        packages: new SageMakerPackageStatus(new SageMakerClient(awsClientConfig())),
        decisions,
        clock: systemClock,
        logger: w.logger,
      }),
    );
    await new DynamoKillSwitch(dynamo, own).set({ paused: true, by: 'alice', reason: 'incident 42' });
    await alarmFired(
      workflow,
      w.logger,
    )(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()));
    expect(w.stops).toEqual([]);
    const [stopped] = (await decisions.list()).filter((d) => d.kind === 'rollback.codedeploy');
    expect(stopped).toEqual(
      expect.objectContaining({
        outcome: 'STOPPED',
        actions: [
          {
            service: 'codedeploy',
            operation: 'StopDeployment',
            target: w.inFlight,
            status: 'withheld',
            why: 'paused by alice: incident 42',
          },
        ],
      }),
    );
  });
});

describe('a redeploy decision (after the bake) on the AWS adapters', () => {
  it('costs 6 AWS calls: the alarm read back, 2 CodeDeploy reads, the committed decision, CreateDeployment, its follow-up record', async () => {
    // moto cannot make a deployment Succeeded: the CodeDeploy answers are pinned with
    // aws-sdk-client-mock, whose calls are counted from the mock; DynamoDB stays on moto.
    const codedeploy = new CodeDeployClient({ region: 'us-east-1' });
    const mock = mockClient(codedeploy);
    // A Server group: pinned S3 bundles are resubmitted as they are, with no platform read.
    const rev = (v: string) => ({
      revisionType: 'S3' as const,
      s3Location: { bucket: 'acme-deploy', key: 'churn/app.zip', bundleType: 'zip' as const, version: v },
    });
    mock.on(ListDeploymentsCommand).resolves({ deployments: ['d-2', 'd-1'] });
    mock.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        {
          deploymentId: 'd-2',
          status: 'Succeeded',
          computePlatform: 'Server',
          createTime: new Date(Date.now() - 3_600_000),
          revision: rev('v4'),
        },
        {
          deploymentId: 'd-1',
          status: 'Succeeded',
          computePlatform: 'Server',
          createTime: new Date(Date.now() - 86_400_000),
          revision: rev('v3'),
        },
      ],
    });
    mock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-3' });
    const cloudwatch = new CloudWatchClient(awsClientConfig());
    const counter = countCalls(dynamo, cloudwatch);
    const { logger } = recordingLogger();
    const application = uniqueName('app');
    const wf = new RollbackWorkflow({
      policy: policyFor(application),
      store: new DynamoRollbackStore(dynamo, table),
      deployments: new CodeDeployDeployments(codedeploy),
      endpoints: new SageMakerEndpoints(new SageMakerClient(awsClientConfig())),
      alarms: new CloudWatchAlarms(cloudwatch),
      stages: new CodePipelineStages(new CodePipelineClient(awsClientConfig())),
      packages: new SageMakerPackageStatus(new SageMakerClient(awsClientConfig())),
      decisions: new DynamoDecisionLog(dynamo, table),
      redeploys: new DynamoRedeployWatch(dynamo, table),
      clock: systemClock,
      logger,
    });
    counter.reset();
    await alarmFired(
      wf,
      logger,
    )(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()));
    const create = mock.commandCalls(CreateDeploymentCommand);
    expect(create.map((c) => c.args[0].input)).toEqual([
      {
        applicationName: application,
        deploymentGroupName: 'live',
        revision: rev('v3'),
        description: expect.stringMatching(
          /^mlops-controller rollback: alarm ServerCpuTooHigh in ALARM since .* replaces d-2 with the revision of d-1$/,
        ),
        overrideAlarmConfiguration: { enabled: false },
      },
    ]);
    expect(mock.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name)).toEqual([
      'ListDeploymentsCommand',
      'BatchGetDeploymentsCommand',
      'CreateDeploymentCommand',
    ]);
    expect(counter.calls).toEqual(['CloudWatch.DescribeAlarms', 'DynamoDB.TransactWriteItems', 'DynamoDB.PutItem']);
  });

  it('freezing, first, adds 4 calls: its committed decision, DisableStageTransition, the freeze record, the claim kept for the episode', async () => {
    const w = await world();
    const pipeline = mockClient(CodePipelineClient);
    pipeline.on(DisableStageTransitionCommand).resolves({});
    try {
      const handle = alarmFired(
        w.build(policyFor(w.application, { freeze: { pipeline: 'deploy', stage: 'Prod' } })),
        w.logger,
      );
      w.counter.reset();
      await handle(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()));
      expect(pipeline.commandCalls(DisableStageTransitionCommand)).toHaveLength(1);
      // The mocked CodePipeline client is not counted: its one call is asserted above.
      expect(w.counter.calls).toEqual([
        'CloudWatch.DescribeAlarms',
        'DynamoDB.TransactWriteItems', // the freeze's record and claim, before any rollback
        'DynamoDB.UpdateItem', // the freeze record (what unfreeze and the tick read), alarms added
        'DynamoDB.UpdateItem', // the claim held for staleAfterSeconds: a late copy does not freeze again
        'CodeDeploy.ListDeployments',
        'CodeDeploy.BatchGetDeployments',
        'DynamoDB.TransactWriteItems',
        'CodeDeploy.StopDeployment',
      ]);
    } finally {
      pipeline.restore();
    }
  });
});
