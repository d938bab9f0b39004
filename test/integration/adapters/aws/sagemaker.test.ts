import {
  CodePipelineClient,
  StartPipelineExecutionCommand as StartCodePipelineExecution,
} from '@aws-sdk/client-codepipeline';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand,
  ResourceLimitExceeded,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { CodePipelineStarter } from '../../../../functions/adapters/aws/codepipeline';
import {
  AwsPipelines,
  PipelineNotFoundError,
  PipelineStartRejectedError,
} from '../../../../functions/adapters/aws/pipelines';
import {
  SageMakerPipelineStarter,
  sageMakerStartInput,
  sageMakerToken,
} from '../../../../functions/adapters/aws/sagemaker';
import { AwsCallError } from '../../../../functions/domain/errors';
import { describePipelinesContract, targetFor } from '../../../contract/pipelines.contract';
import { awsClientConfig, uniqueName } from '../../../support/aws';
import { startedExecutionId } from '../../../support/started';

const sagemaker = new SageMakerClient(awsClientConfig());
// Never called for SageMaker targets; a real client so a stray call would fail loudly against moto.
const codepipeline = new CodePipelineClient(awsClientConfig());
const pipelines = new AwsPipelines({
  codepipeline: new CodePipelineStarter(codepipeline),
  sagemaker: new SageMakerPipelineStarter(sagemaker),
});

const definition = JSON.stringify({
  Version: '2020-12-01',
  Parameters: [
    { Name: 'ManifestUri', Type: 'String' },
    { Name: 'BatchId', Type: 'String' },
    { Name: 'InstanceType', Type: 'String', DefaultValue: 'ml.m5.xlarge' },
  ],
  Steps: [],
});

async function createPipeline(): Promise<string> {
  const name = uniqueName('retrain');
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      PipelineDefinition: definition,
      RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-pipeline',
      ClientRequestToken: createHash('sha256').update(name).digest('hex'),
    }),
  );
  return name;
}

async function executions(pipeline: string) {
  const listed = await sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: pipeline }));
  return Promise.all(
    (listed.PipelineExecutionSummaries ?? []).map(async ({ PipelineExecutionArn }) => {
      const params = await sagemaker.send(
        new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: PipelineExecutionArn! }),
      );
      return {
        id: PipelineExecutionArn!,
        values: Object.fromEntries((params.PipelineParameters ?? []).map((p) => [p.Name!, p.Value!])),
      };
    }),
  );
}

describePipelinesContract(
  'AwsPipelines on moto SageMaker',
  'sagemaker',
  async () => ({ pipelines, createPipeline, executions }),
  {
    // moto 5.2.1 starts a new execution for a repeated ClientRequestToken; the exact-input tests below
    // pin the token we send instead.
    honoursClientRequestToken: false,
  },
);

describe('AwsPipelines with a SageMaker target on moto', () => {
  it('returns the execution ARN, whose description names the manifest', async () => {
    const pipeline = await createPipeline();
    const arn = startedExecutionId(
      await pipelines.start({
        target: targetFor('sagemaker', pipeline),
        token: 'f'.repeat(64),
        manifestUri: 's3://m/batch-9.json',
        batchId: 'churn-9',
      }),
    );
    expect(arn).toMatch(new RegExp(`^arn:aws:sagemaker:us-east-1:\\d{12}:pipeline/${pipeline}/execution/[a-z0-9]+$`));
    const described = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    expect(described.PipelineExecutionDescription).toBe('Started by mlops-controller for s3://m/batch-9.json');
  });

  it('refuses an unknown pipeline as non-retryable (moto answers ValidationException where AWS documents ResourceNotFound)', async () => {
    const failure = await pipelines
      .start({
        target: targetFor('sagemaker', uniqueName('absent')),
        token: 'f'.repeat(64),
        manifestUri: 's3://m/x.json',
        batchId: 'churn-9',
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineStartRejectedError);
    expect(failure).toMatchObject({ retryable: false, cause: { name: 'ValidationException' } });
  });
});

// moto ignores ClientRequestToken and cannot fail on demand: the exact request and the error
// mapping are pinned with aws-sdk-client-mock.
describe('AwsPipelines with a SageMaker target: exact request and error mapping (aws-sdk-client-mock)', () => {
  const smClient = new SageMakerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const cpClient = new CodePipelineClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const sm = mockClient(smClient);
  const cp = mockClient(cpClient);
  const mocked = new AwsPipelines({
    codepipeline: new CodePipelineStarter(cpClient),
    sagemaker: new SageMakerPipelineStarter(smClient),
  });
  const target = {
    ...targetFor('sagemaker', 'churn-retrain'),
    parameters: { InstanceType: 'ml.m5.large', RuleName: 'static' },
  };
  const token = 'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-retrain/execution/abc123def456';

  beforeEach(() => {
    sm.reset();
    cp.reset();
    sm.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: arn });
  });
  afterAll(() => {
    sm.restore();
    cp.restore();
  });

  it('sends exactly PipelineName, the token, the parameters and a description, and no batch id parameter the rule does not name', async () => {
    await expect(mocked.start({ target, token, manifestUri: 's3://m/1.json', batchId: 'churn-9' })).resolves.toEqual({
      executionId: arn,
    });
    expect(sm.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        PipelineName: 'churn-retrain',
        ClientRequestToken: token,
        PipelineParameters: [
          { Name: 'ManifestUri', Value: 's3://m/1.json' },
          { Name: 'InstanceType', Value: 'ml.m5.large' },
          { Name: 'RuleName', Value: 'static' },
        ],
        PipelineExecutionDescription: 'Started by mlops-controller for s3://m/1.json',
      },
    ]);
    expect(cp.commandCalls(StartCodePipelineExecution)).toHaveLength(0);
  });

  it('sends the batch id under the parameter the rule names (batchIdParameter), in precedence order', async () => {
    await mocked.start({
      target: { ...target, batchIdParameter: 'RuleName', parameters: { ...target.parameters, ManifestUri: 'ignored' } },
      token,
      manifestUri: 's3://m/1.json',
      batchId: 'churn-9',
    });
    expect(sm.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        PipelineName: 'churn-retrain',
        ClientRequestToken: token,
        PipelineParameters: [
          { Name: 'ManifestUri', Value: 's3://m/1.json' },
          { Name: 'RuleName', Value: 'churn-9' },
          { Name: 'InstanceType', Value: 'ml.m5.large' },
        ],
        PipelineExecutionDescription: 'Started by mlops-controller for s3://m/1.json',
      },
    ]);
    expect(cp.commandCalls(StartCodePipelineExecution)).toHaveLength(0);
  });

  it('sends the same ClientRequestToken for a redelivered request, so AWS starts one execution', async () => {
    const request = { target, token, manifestUri: 's3://m/1.json', batchId: 'churn-9' };
    await mocked.start(request);
    await mocked.start(request);
    const tokens = sm.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toEqual([token, token]);
  });

  it.each([
    ['shorter than the 32-character minimum', 'batch-7'],
    ['longer than the 128-character maximum', 'x'.repeat(129)],
  ])('replaces a token %s by its sha256 hex digest', async (_case, raw) => {
    await mocked.start({ target, token: raw, manifestUri: 's3://m/1.json', batchId: 'churn-9' });
    const sent = sm.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input.ClientRequestToken;
    expect(sent).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(sageMakerToken(raw)).toBe(sent);
  });

  it('keeps a token of 32 to 128 characters unchanged', () => {
    expect(sageMakerToken('b'.repeat(32))).toBe('b'.repeat(32));
    expect(sageMakerToken('c'.repeat(128))).toBe('c'.repeat(128));
  });

  it('builds the same input for the memory backend as it sends', async () => {
    const request = {
      target: { ...target, batchIdParameter: 'BatchId' },
      token,
      manifestUri: 's3://m/1.json',
      batchId: 'churn-9',
    };
    await mocked.start(request);
    expect(sm.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input).toEqual(sageMakerStartInput(request));
  });

  const request = { target, token, manifestUri: 's3://m/1.json', batchId: 'churn-9' };

  it('maps ResourceNotFound to a non-retryable PipelineNotFoundError keeping the cause', async () => {
    const cause = new ResourceNotFound({ message: 'Pipeline does not exist', $metadata: {} });
    sm.on(StartPipelineExecutionCommand).rejects(cause);
    const failure = await mocked.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineNotFoundError);
    expect(failure).toMatchObject({ retryable: false, kind: 'sagemaker', pipeline: 'churn-retrain', cause });
  });

  it('maps ValidationException to a non-retryable PipelineStartRejectedError', async () => {
    sm.on(StartPipelineExecutionCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: 'bad parameter',
      }),
    );
    await expect(mocked.start(request)).rejects.toBeInstanceOf(PipelineStartRejectedError);
  });

  it.each([
    ['ResourceLimitExceeded', new ResourceLimitExceeded({ message: 'too many executions', $metadata: {} })],
    [
      'ThrottlingException',
      new SageMakerServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: {},
        message: 'slow down',
      }),
    ],
    [
      'InternalFailure',
      new SageMakerServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: {}, message: 'oops' }),
    ],
  ])('maps %s to a retryable AwsCallError', async (_name, cause) => {
    sm.on(StartPipelineExecutionCommand).rejects(cause);
    const failure = await mocked.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true, cause });
  });

  it('treats a response without an execution ARN as a retryable AwsCallError', async () => {
    sm.on(StartPipelineExecutionCommand).resolves({});
    await expect(mocked.start(request)).rejects.toMatchObject({ name: 'AwsCallError', retryable: true });
  });
});
