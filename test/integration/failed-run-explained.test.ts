/**
 * A failed run explained, through the executionFinished handler: the state table and manifests on
 * moto, the failure reads pinned with aws-sdk-client-mock because moto 5.2.1 implements none of
 * CodePipeline GetPipelineExecution / ListActionExecutions / StartPipelineExecution or SageMaker
 * ListPipelineExecutionSteps (its DescribePipelineExecution always answers Succeeded with no
 * reason, so a failure cannot be made there). Responses are the service models' shapes, requests
 * are checked against them (test/support/aws-rules/models-setup.ts), and every call is evaluated
 * against the function's own role by the IAM proof.
 */
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  StartPipelineExecutionCommand as StartCodePipeline,
} from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand as StartSageMaker,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { CodePipelineStarter } from '../../functions/adapters/aws/codepipeline';
import { CodePipelineFailureReader } from '../../functions/adapters/aws/codepipeline-failures';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoBuildSlots } from '../../functions/adapters/aws/dynamodb/build-slots';
import { DynamoRetrainRequests } from '../../functions/adapters/aws/dynamodb/retrain-requests';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { AwsPipelines } from '../../functions/adapters/aws/pipelines';
import { AwsRunFailures } from '../../functions/adapters/aws/run-failures';
import { S3ObjectStore } from '../../functions/adapters/aws/s3';
import { SageMakerPipelineStarter } from '../../functions/adapters/aws/sagemaker';
import { SageMakerFailureReader } from '../../functions/adapters/aws/sagemaker-failures';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { executionFinished } from '../../functions/handlers/execution-finished';
import { systemClock } from '../../functions/ports/clock';
import { RetrainingWorkflow } from '../../functions/workflows/retraining';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { recordingLogger } from '../support/memory-harness';

const moto = awsClientConfig();
const dynamo = new DynamoDBClient(moto);
const s3 = new S3Client(moto);
const mocked = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
const codepipeline = new CodePipelineClient(mocked);
const sagemaker = new SageMakerClient(mocked);
const cp = mockClient(codepipeline);
const sm = mockClient(sagemaker);
const manifests = uniqueName('manifests');

// The fixtures' pipelines and execution ids.
const CP_EXECUTION = '12345678-1234-5678-abcd-12345678abcd';
const SM_EXECUTION = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/myPipeline-123/execution/p4jn9xou8a8s';

const policy = validatePolicy({
  version: 1,
  controller: {
    accounts: ['123456789012'],
    regions: ['us-east-1', 'us-west-2'],
    manifests: { bucket: manifests },
  },
  retraining: [
    {
      name: 'churn',
      source: { bucket: 'data', prefix: 'churn/' },
      target: { type: 'codepipeline', name: 'myPipeline' },
      trigger: { maxObjects: 1 },
    },
    {
      name: 'ranking',
      source: { bucket: 'data', prefix: 'ranking/' },
      target: { type: 'sagemaker', name: 'myPipeline-123' },
      trigger: { maxObjects: 1 },
    },
  ],
});

async function world() {
  const table = uniqueName('failed-runs');
  await createStateTable(dynamo, table);
  const { logger } = recordingLogger();
  const decisions = new MemoryDecisionLog();
  const workflow = new RetrainingWorkflow({
    policy,
    ledger: new DynamoBatchLedger(dynamo, table, systemClock),
    runs: new DynamoRunStore(dynamo, table),
    slots: new DynamoBuildSlots(dynamo, table),
    decisions,
    objects: new S3ObjectStore(s3),
    pipelines: new AwsPipelines({
      codepipeline: new CodePipelineStarter(codepipeline),
      sagemaker: new SageMakerPipelineStarter(sagemaker),
    }),
    requests: new DynamoRetrainRequests(dynamo, table),
    failures: new AwsRunFailures({
      codepipeline: new CodePipelineFailureReader(codepipeline),
      sagemaker: new SageMakerFailureReader(sagemaker),
    }),
    clock: systemClock,
    logger,
  });
  const drop = (key: string) =>
    workflow.onObjects([{ bucket: 'data', key, size: 100 }], { account: '123456789012', region: 'us-east-1' }, key);
  const failures = () => decisions.decisions.filter((d) => d.kind === 'retraining.failure');
  return { workflow, handle: executionFinished(workflow, logger), drop, failures };
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
});
beforeEach(() => {
  cp.reset();
  sm.reset();
  cp.on(StartCodePipeline).resolves({ pipelineExecutionId: CP_EXECUTION });
  sm.on(StartSageMaker).resolves({ PipelineExecutionArn: SM_EXECUTION });
});
afterAll(() => {
  cp.restore();
  sm.restore();
  dynamo.destroy();
  s3.destroy();
});

describe('a failed run explained (executionFinished: moto state table, client-mock failure reads)', () => {
  it('CodePipeline: the failed stage and action and its error, read with one page of ListActionExecutions', async () => {
    const w = await world();
    await w.drop('churn/a.csv');
    cp.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        pipelineName: 'myPipeline',
        pipelineExecutionId: CP_EXECUTION,
        status: 'Failed',
        statusSummary: 'Action execution failed',
      },
    });
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        {
          pipelineExecutionId: CP_EXECUTION,
          stageName: 'Source',
          actionName: 'Manifest',
          status: 'Succeeded',
          lastUpdateTime: new Date('2020-01-31T18:40:00Z'),
        },
        {
          pipelineExecutionId: CP_EXECUTION,
          stageName: 'Train',
          actionName: 'TrainModel',
          status: 'Failed',
          lastUpdateTime: new Date('2020-01-31T18:55:40Z'),
          output: {
            executionResult: {
              externalExecutionId: 'train:0f3e2a1b',
              externalExecutionSummary:
                'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: python train.py. Reason: exit status 137',
            },
          },
        },
      ],
    });
    await w.handle(loadFixture('codepipeline-pipeline-execution-state-change.failed.json'));
    await w.handle(loadFixture('codepipeline-pipeline-execution-state-change.failed.json'));

    expect(cp.commandCalls(ListActionExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      { pipelineName: 'myPipeline', filter: { pipelineExecutionId: CP_EXECUTION }, maxResults: 100 },
    ]);
    expect(cp.commandCalls(GetPipelineExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { pipelineName: 'myPipeline', pipelineExecutionId: CP_EXECUTION },
    ]);
    expect(w.failures()).toHaveLength(1);
    expect(w.failures()[0]).toMatchObject({
      subject: 'churn/0',
      outcome: 'FAILED',
      inputs: { cause: 'out of memory', failedAt: 'stage Train, action TrainModel' },
    });
    expect(w.failures()[0]!.reasons[0]).toMatch(
      /^codepipeline:myPipeline run 12345678-1234-5678-abcd-12345678abcd failed at stage Train, action TrainModel: Build terminated .* exit status 137\. Likely cause: out of memory; /,
    );
  });

  it('SageMaker: the failed step, the job it ran and its FailureReason, from ListPipelineExecutionSteps', async () => {
    const w = await world();
    await w.drop('ranking/a.csv');
    sm.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [
        { StepName: 'Preprocess', StepStatus: 'Succeeded' },
        {
          StepName: 'Train',
          StepStatus: 'Failed',
          FailureReason:
            "ResourceLimitExceeded: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.",
          Metadata: {
            TrainingJob: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-p4jn9xou8a8s-train' },
          },
        },
      ],
    });
    const event = loadFixture('sagemaker-pipeline-execution-status-change.json');
    event.detail.currentPipelineExecutionStatus = 'Failed';
    await w.handle(event);

    expect(sm.commandCalls(ListPipelineExecutionStepsCommand).map((c) => c.args[0].input)).toEqual([
      { PipelineExecutionArn: SM_EXECUTION, MaxResults: 100, SortOrder: 'Ascending' },
    ]);
    // A failed step explains it: the execution's own reason is not read.
    expect(sm.commandCalls(DescribePipelineExecutionCommand)).toHaveLength(0);
    expect(w.failures()[0]).toMatchObject({
      subject: 'ranking/0',
      inputs: {
        cause: 'quota or capacity',
        failedAt:
          'step Train (TrainingJob arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-p4jn9xou8a8s-train)',
      },
    });
  });

  it('SageMaker: no step failed (a definition error): the execution FailureReason from DescribePipelineExecution', async () => {
    const w = await world();
    await w.drop('ranking/b.csv');
    sm.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
    sm.on(DescribePipelineExecutionCommand).resolves({
      PipelineExecutionArn: SM_EXECUTION,
      PipelineExecutionStatus: 'Failed',
      FailureReason: 'ValidationException: Pipeline parameter "ManifestUri" is not defined in the pipeline definition',
    });
    const event = loadFixture('sagemaker-pipeline-execution-status-change.json');
    event.detail.currentPipelineExecutionStatus = 'Failed';
    await w.handle(event);
    expect(w.failures()[0]!.inputs.cause).toBe('syntax or configuration');
    expect(w.failures()[0]!.reasons[0]).toMatch(/failed: ValidationException: Pipeline parameter "ManifestUri"/);
  });

  it('a read the service refuses leaves the failure recorded, saying what could not be read', async () => {
    const w = await world();
    await w.drop('churn/b.csv');
    const denied = Object.assign(new Error('User is not authorized to perform: codepipeline:ListActionExecutions'), {
      name: 'AccessDeniedException',
    });
    cp.on(GetPipelineExecutionCommand).rejects(denied);
    cp.on(ListActionExecutionsCommand).rejects(denied);
    await w.handle(loadFixture('codepipeline-pipeline-execution-state-change.failed.json'));
    expect(w.failures()).toHaveLength(1);
    expect(w.failures()[0]!.reasons[0]).toMatch(/\(could not read why: .*ListActionExecutions/);
  });
});
