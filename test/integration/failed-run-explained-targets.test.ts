/**
 * A failed Step Functions execution and a failed CodeBuild build explained, through the
 * executionFinished handler on the state table and manifests in the shared moto server.
 *
 * Step Functions runs on a moto server of this file's own, with moto's state machine interpreter
 * on (`/moto-api/config` `stepfunctions.execute_state_machine`): only then does an execution run
 * its states and fail with a real history and DescribeExecution error and cause. The setting is
 * server-wide and switches moto to another backend, so it cannot be set on the shared server
 * other files use; and moto 5.2.1's interpreter starts one execution per server (a second
 * StartExecution fails copying the first one's thread), so the file starts one execution.
 *
 * CodeBuild's StartBuild and BatchGetBuilds are pinned with aws-sdk-client-mock: moto 5.2.1 answers
 * `startTime` as an ISO string where the API model has an epoch timestamp (the SDK refuses to parse
 * it), and its BatchGetBuilds reports every build SUCCEEDED with no log group or stream, so no
 * failure can be made there. The build's CloudWatch Logs stream is moto's (CreateLogGroup,
 * PutLogEvents, GetLogEvents). Requests are checked against the service models and every call
 * against executionFinished's role by the IAM proof.
 */
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  StartBuildCommand,
  type Build,
  type BuildPhase,
  type StartBuildCommandInput,
} from '@aws-sdk/client-codebuild';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CodeBuildStarter } from '../../functions/adapters/aws/codebuild';
import { CodeBuildFailureReader, LOG_EVENTS } from '../../functions/adapters/aws/codebuild-failures';
import { CodePipelineStarter } from '../../functions/adapters/aws/codepipeline';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoBuildSlots } from '../../functions/adapters/aws/dynamodb/build-slots';
import { DynamoRetrainRequests } from '../../functions/adapters/aws/dynamodb/retrain-requests';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { AwsPipelines } from '../../functions/adapters/aws/pipelines';
import { AwsRunFailures } from '../../functions/adapters/aws/run-failures';
import { S3ObjectStore } from '../../functions/adapters/aws/s3';
import { SageMakerPipelineStarter } from '../../functions/adapters/aws/sagemaker';
import { StepFunctionsStarter } from '../../functions/adapters/aws/stepfunctions';
import { StepFunctionsFailureReader } from '../../functions/adapters/aws/stepfunctions-failures';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { LOG_LINES } from '../../functions/domain/run-failure';
import { executionFinished } from '../../functions/handlers/execution-finished';
import { systemClock } from '../../functions/ports/clock';
import { RetrainingWorkflow } from '../../functions/workflows/retraining';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { recordingLogger } from '../support/memory-harness';
import { startMoto, stopMoto, type MotoHandle } from '../support/moto-server';

const moto = awsClientConfig();
const dynamo = new DynamoDBClient(moto);
const s3 = new S3Client(moto);
const logs = new CloudWatchLogsClient(moto);
const codebuild = new CodeBuildClient(moto);
const cb = mockClient(codebuild);
const manifests = uniqueName('manifests');
const project = uniqueName('vision-train');
const group = `/aws/codebuild/${project}`;

// The state machine lives on this file's own moto server (see the header), in its default account.
const MACHINE = 'forecast-training';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:123456789012:stateMachine:${MACHINE}`;
let sfnMoto: { child: ChildProcess; handle: MotoHandle } | undefined;
let sfn: SFNClient;

const policy = validatePolicy({
  version: 1,
  controller: {
    accounts: ['123456789012'],
    regions: ['us-east-1'],
    manifests: { bucket: manifests },
  },
  retraining: [
    {
      name: 'forecast',
      source: { bucket: 'data', prefix: 'forecast/' },
      target: { type: 'stepfunctions', stateMachineArn: STATE_MACHINE_ARN },
      trigger: { maxObjects: 1 },
    },
    {
      name: 'vision',
      source: { bucket: 'data', prefix: 'vision/' },
      target: { type: 'codebuild', name: project },
      trigger: { maxObjects: 1 },
    },
  ],
});

/** The documented payloads events/samples keeps (the shared fixtures have none for these services). */
const sample = (file: string): Record<string, any> => JSON.parse(readFileSync(`events/samples/${file}`, 'utf8'));

async function world() {
  const table = uniqueName('failed-targets');
  await createStateTable(dynamo, table);
  const { logger } = recordingLogger();
  const decisions = new MemoryDecisionLog();
  const mocked = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
  const workflow = new RetrainingWorkflow({
    policy,
    ledger: new DynamoBatchLedger(dynamo, table, systemClock),
    runs: new DynamoRunStore(dynamo, table),
    slots: new DynamoBuildSlots(dynamo, table),
    decisions,
    objects: new S3ObjectStore(s3),
    pipelines: new AwsPipelines({
      codepipeline: new CodePipelineStarter(new CodePipelineClient(mocked)),
      sagemaker: new SageMakerPipelineStarter(new SageMakerClient(mocked)),
      stepfunctions: new StepFunctionsStarter(sfn),
      codebuild: new CodeBuildStarter(codebuild),
    }),
    requests: new DynamoRetrainRequests(dynamo, table),
    failures: new AwsRunFailures({
      stepfunctions: new StepFunctionsFailureReader(sfn),
      codebuild: new CodeBuildFailureReader(codebuild, logs),
    }),
    clock: systemClock,
    logger,
  });
  const drop = (key: string) =>
    workflow.onObjects([{ bucket: 'data', key, size: 100 }], { account: '123456789012', region: 'us-east-1' }, key);
  const failures = () => decisions.decisions.filter((d) => d.kind === 'retraining.failure');
  return { handle: executionFinished(workflow, logger), drop, failures };
}

let builds = 0;
const buildArn = (n: number) => `arn:aws:codebuild:us-east-1:123456789012:build/${project}:0000000${n}`;

const PHASES = ['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD'] as const;

/**
 * A build as BatchGetBuilds describes it (API reference, Build): the phases before `failed`
 * succeeded, then the failed one, FINALIZING and COMPLETED.
 */
function failedBuild(n: number, failed: BuildPhase, logsAt: Build['logs']): Build {
  const before = PHASES.slice(0, PHASES.indexOf(failed.phaseType as (typeof PHASES)[number]));
  return {
    id: `${project}:0000000${n}`,
    arn: buildArn(n),
    projectName: project,
    buildStatus: failed.phaseStatus === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED',
    currentPhase: 'COMPLETED',
    buildComplete: true,
    timeoutInMinutes: 60,
    phases: [
      ...before.map((phaseType) => ({ phaseType, phaseStatus: 'SUCCEEDED' as const, durationInSeconds: 1 })),
      failed,
      { phaseType: 'FINALIZING', phaseStatus: 'SUCCEEDED', durationInSeconds: 1 },
      { phaseType: 'COMPLETED' },
    ],
    ...(logsAt ? { logs: logsAt } : {}),
  };
}

const buildEnded = (n: number, status: string) => {
  const event = sample('codebuild-build-state-change.succeeded.docs-repaired.json');
  event.region = 'us-east-1';
  event.detail['build-status'] = status;
  event.detail['project-name'] = project;
  event.detail['build-id'] = buildArn(n);
  return event;
};

/** The agent's line format in a CodeBuild log (`[Container] <date> <time>`). */
const agent = (text: string) => `[Container] 2026/11/22 08:21:04.118412 ${text}\n`;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  sfnMoto = await startMoto();
  const configured = await fetch(`${sfnMoto.handle.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!configured.ok) throw new Error(`moto config: ${configured.status}`);
  sfn = new SFNClient({ ...moto, endpoint: sfnMoto.handle.endpoint });
  // A training flow whose first state reads the rule's features from a table that is not there.
  await sfn.send(
    new CreateStateMachineCommand({
      name: MACHINE,
      roleArn: 'arn:aws:iam::123456789012:role/retraining-state-machine',
      definition: JSON.stringify({
        StartAt: 'LoadFeatures',
        States: {
          LoadFeatures: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'churn-feature-store', Key: { pk: { 'S.$': '$.batchId' } } },
            Next: 'Train',
          },
          Train: { Type: 'Pass', End: true },
        },
      }),
    }),
  );
  cb.on(StartBuildCommand).callsFake((input: StartBuildCommandInput) => {
    builds += 1;
    return {
      build: { id: `${input.projectName}:0000000${builds}`, arn: buildArn(builds), buildStatus: 'IN_PROGRESS' },
    };
  });
});
afterAll(async () => {
  cb.restore();
  sfn?.destroy();
  dynamo.destroy();
  s3.destroy();
  logs.destroy();
  if (sfnMoto) await stopMoto(sfnMoto.handle.pid, sfnMoto.handle.logFile);
});

describe('a failed Step Functions execution explained (its own moto server runs the state machine)', () => {
  it('names the failed state and how it failed, with the error and cause DescribeExecution reports', async () => {
    const w = await world();
    await w.drop('forecast/a.csv');
    // The execution fails in moto's interpreter on its own thread: poll its state, a bounded number of times.
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${MACHINE}:`;
    let described;
    for (let i = 0; i < 200; i++) {
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
      if (executions?.[0]) {
        described = await sfn.send(new DescribeExecutionCommand({ executionArn: executions[0].executionArn! }));
        if (described.status !== 'RUNNING') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(described).toMatchObject({ status: 'FAILED', error: 'DynamoDB.ResourceNotFoundException' });
    expect(described!.executionArn!.startsWith(executionArn)).toBe(true);

    const event = sample('stepfunctions-execution-status-change.failed.json');
    event.account = '123456789012';
    event.detail = { ...event.detail, stateMachineArn: STATE_MACHINE_ARN, executionArn: described!.executionArn };
    await w.handle(event);
    await w.handle(event);

    expect(w.failures()).toHaveLength(1);
    expect(w.failures()[0]).toMatchObject({
      subject: 'forecast/0',
      outcome: 'FAILED',
      inputs: {
        cause: 'syntax or configuration',
        failedAt: 'state LoadFeatures (TaskFailed)',
        message: expect.stringMatching(/^DynamoDB\.ResourceNotFoundException: Requested resource not found/),
      },
    });
    expect(w.failures()[0]!.reasons[0]).toMatch(
      new RegExp(
        `^stepfunctions:${MACHINE} run ${described!.executionArn} failed at state LoadFeatures \\(TaskFailed\\): DynamoDB\\.ResourceNotFoundException: Requested resource not found .*\\. Likely cause: syntax or configuration; `,
      ),
    );
  });
});

describe('a failed CodeBuild build explained (client-mock builds, moto log stream)', () => {
  it('names the failed phase and its context, quotes the end of the log, capped, and classifies the cause', async () => {
    const w = await world();
    await w.drop('vision/a.tar');
    const stream = `${builds}-stream-0b1c2d3e`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const start = Date.parse('2026-11-22T08:00:00Z');
    const lines = [
      agent('Entering phase BUILD'),
      agent('Running command python launch.py'),
      ...Array.from({ length: 80 }, (_, i) => `preparing shard ${i} of 80\n`),
      'Traceback (most recent call last):\n',
      '  File "launch.py", line 41, in <module>\n',
      "botocore.exceptions.ClientError: An error occurred (ResourceLimitExceeded) when calling the CreateTrainingJob operation: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances.\n",
      agent('Command did not exit successfully python launch.py exit status 1'),
      agent('Phase complete: BUILD State: FAILED'),
      agent(
        'Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: python launch.py. Reason: exit status 1',
      ),
    ];
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: lines.map((message, i) => ({ timestamp: start + i, message })),
      }),
    );
    cb.on(BatchGetBuildsCommand).resolves({
      builds: [
        failedBuild(
          builds,
          {
            phaseType: 'BUILD',
            phaseStatus: 'FAILED',
            contexts: [
              {
                statusCode: 'COMMAND_EXECUTION_ERROR',
                message: 'Error while executing command: python launch.py. Reason: exit status 1',
              },
            ],
          },
          { groupName: group, streamName: stream },
        ),
      ],
      buildsNotFound: [],
    });
    await w.handle(buildEnded(builds, 'FAILED'));

    expect(cb.commandCalls(BatchGetBuildsCommand).at(-1)!.args[0].input).toEqual({
      ids: [`${project}:0000000${builds}`],
    });
    const [failure, ...more] = w.failures();
    expect(more).toHaveLength(0);
    expect(failure).toMatchObject({
      subject: 'vision/0',
      inputs: {
        cause: 'quota or capacity',
        failedAt: 'phase BUILD (FAILED)',
        message: 'COMMAND_EXECUTION_ERROR: Error while executing command: python launch.py. Reason: exit status 1',
      },
    });
    const log = failure!.inputs.log as string[];
    // One page of the last LOG_EVENTS events, of which the last LOG_LINES lines are kept.
    expect(LOG_EVENTS).toBeLessThan(lines.length);
    expect(log).toHaveLength(LOG_LINES);
    expect(log.at(-1)).toBe(lines.at(-1)!.trimEnd());
    expect(log).not.toContain('preparing shard 0 of 80');
    expect(failure!.reasons[0]).toMatch(
      /failed at phase BUILD \(FAILED\): COMMAND_EXECUTION_ERROR: .* Log ends: .*\| botocore\.exceptions\.ClientError: An error occurred \(ResourceLimitExceeded\).*\. Likely cause: quota or capacity; /,
    );
  });

  it('a build past its timeout is a timeout, and a stream that is gone is said so', async () => {
    const w = await world();
    await w.drop('vision/b.tar');
    cb.on(BatchGetBuildsCommand).resolves({
      builds: [
        failedBuild(
          builds,
          { phaseType: 'BUILD', phaseStatus: 'TIMED_OUT' },
          {
            groupName: group,
            streamName: `${builds}-never-written`,
          },
        ),
      ],
    });
    await w.handle(buildEnded(builds, 'TIMED_OUT'));
    expect(w.failures()[0]).toMatchObject({ inputs: { cause: 'timeout', failedAt: 'phase BUILD (TIMED_OUT)' } });
    expect(w.failures()[0]!.reasons[0]).toMatch(/\(could not read the build log: logs\.GetLogEvents failed: /);
  });

  it("a build that logs to a group of the project's own is not read there, and the decision says which", async () => {
    const w = await world();
    await w.drop('vision/c.tar');
    cb.on(BatchGetBuildsCommand).resolves({
      builds: [
        failedBuild(
          builds,
          {
            phaseType: 'DOWNLOAD_SOURCE',
            phaseStatus: 'FAILED',
            contexts: [
              {
                statusCode: 'YAML_FILE_ERROR',
                message:
                  'Expected Commands[0] to be of string type: found subkeys instead at line 6, value of the key tag on line 5 might be empty',
              },
            ],
          },
          { groupName: 'ml-builds', streamName: `vision/${builds}` },
        ),
      ],
    });
    await w.handle(buildEnded(builds, 'FAILED'));
    expect(w.failures()[0]).toMatchObject({
      inputs: { cause: 'syntax or configuration', failedAt: 'phase DOWNLOAD_SOURCE (FAILED)' },
    });
    expect(w.failures()[0]!.reasons[0]).toContain(`(the build logs to ml-builds; the controller reads ${group} only)`);
  });
});
