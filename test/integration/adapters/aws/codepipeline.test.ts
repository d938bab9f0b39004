/**
 * moto does not implement CodePipeline StartPipelineExecution, so the request is pinned with
 * aws-sdk-client-mock: the exact input, the token rules and the error mapping.
 */
import {
  CodePipelineClient,
  CodePipelineServiceException,
  ConcurrentPipelineExecutionsLimitExceededException,
  ConflictException,
  PipelineNotFoundException,
  StartPipelineExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { SageMakerClient, StartPipelineExecutionCommand as StartSageMakerExecution } from '@aws-sdk/client-sagemaker';
import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CodePipelineStarter,
  codePipelineStartInput,
  codePipelineToken,
} from '../../../../functions/adapters/aws/codepipeline';
import {
  AwsPipelines,
  PipelineNotFoundError,
  PipelineStartRejectedError,
} from '../../../../functions/adapters/aws/pipelines';
import { SageMakerPipelineStarter } from '../../../../functions/adapters/aws/sagemaker';
import { AwsCallError } from '../../../../functions/domain/errors';
import { targetFor } from '../../../contract/pipelines.contract';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
const cpClient = new CodePipelineClient(config);
const smClient = new SageMakerClient(config);
const cp = mockClient(cpClient);
const sm = mockClient(smClient);
const pipelines = new AwsPipelines({
  codepipeline: new CodePipelineStarter(cpClient),
  sagemaker: new SageMakerPipelineStarter(smClient),
});

const target = { ...targetFor('codepipeline', 'churn-retrain'), variables: { STAGE: 'prod', RuleName: 'static' } };
const withBatchId = { ...target, batchIdVariable: 'BATCH_ID' };
const token = 'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';
const request = { target, token, manifestUri: 's3://m/1.json', batchId: 'churn-7' };
const sent = () => cp.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cp.reset();
  sm.reset();
  cp.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: '3137f7cb-7cf7-4d7a-8ac3-EXAMPLE' });
});
afterAll(() => {
  cp.restore();
  sm.restore();
});

describe('AwsPipelines with a CodePipeline target (aws-sdk-client-mock: moto lacks StartPipelineExecution)', () => {
  it('sends exactly the pipeline name, the token and the variables, and no batch id variable the rule does not name', async () => {
    await expect(pipelines.start(request)).resolves.toEqual({ executionId: '3137f7cb-7cf7-4d7a-8ac3-EXAMPLE' });
    expect(sent()).toEqual([
      {
        name: 'churn-retrain',
        clientRequestToken: token,
        variables: [
          { name: 'MANIFEST_URI', value: 's3://m/1.json' },
          { name: 'STAGE', value: 'prod' },
          { name: 'RuleName', value: 'static' },
        ],
      },
    ]);
    expect(sm.commandCalls(StartSageMakerExecution)).toHaveLength(0);
  });

  it('sends the batch id under the variable the rule names (batchIdVariable)', async () => {
    await pipelines.start({ ...request, target: { ...withBatchId, batchIdVariable: 'RUN_ID' } });
    expect(sent()[0]?.variables).toEqual([
      { name: 'MANIFEST_URI', value: 's3://m/1.json' },
      { name: 'RUN_ID', value: 'churn-7' },
      { name: 'STAGE', value: 'prod' },
      { name: 'RuleName', value: 'static' },
    ]);
  });

  it('sends each variable name once: the manifest variable, then the batch id, then static ones win in that order', async () => {
    await pipelines.start({
      ...request,
      target: {
        ...withBatchId,
        variables: { MANIFEST_URI: 's3://elsewhere.json', BATCH_ID: 'static', STAGE: 'canary' },
      },
    });
    expect(sent()[0]?.variables).toEqual([
      { name: 'MANIFEST_URI', value: 's3://m/1.json' },
      { name: 'BATCH_ID', value: 'churn-7' },
      { name: 'STAGE', value: 'canary' },
    ]);
  });

  it('uses the target manifest variable name', async () => {
    await pipelines.start({ ...request, target: { ...target, manifestVariable: 'DATASET' } });
    expect(sent()[0]?.variables?.[0]).toEqual({ name: 'DATASET', value: 's3://m/1.json' });
  });

  it('sends the same clientRequestToken for a redelivered request, so AWS starts one execution', async () => {
    await pipelines.start(request);
    await pipelines.start(request);
    expect(sent().map((input) => input.clientRequestToken)).toEqual([token, token]);
  });

  it('keeps a token of letters, digits and "-" up to 128 characters unchanged', () => {
    expect(codePipelineToken('batch-7')).toBe('batch-7');
    expect(codePipelineToken('A'.repeat(128))).toBe('A'.repeat(128));
  });

  it.each([
    ['with characters outside [a-zA-Z0-9-]', 'churn/batch:7'],
    ['longer than 128 characters', 'x'.repeat(129)],
  ])('replaces a token %s by its sha256 hex digest', async (_case, raw) => {
    await pipelines.start({ ...request, token: raw });
    expect(sent()[0]?.clientRequestToken).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('builds the same input for the memory backend as it sends', async () => {
    const named = { ...request, target: withBatchId };
    await pipelines.start(named);
    expect(sent()[0]).toEqual(codePipelineStartInput(named));
  });

  it('maps PipelineNotFoundException to a non-retryable PipelineNotFoundError keeping the cause', async () => {
    const cause = new PipelineNotFoundException({
      message: 'The account with id 123 does not include a pipeline with the name churn-retrain',
      $metadata: {},
    });
    cp.on(StartPipelineExecutionCommand).rejects(cause);
    const failure = await pipelines.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineNotFoundError);
    expect(failure).toMatchObject({ retryable: false, kind: 'codepipeline', pipeline: 'churn-retrain', cause });
  });

  it('maps ValidationException (e.g. an undeclared variable) to a non-retryable PipelineStartRejectedError', async () => {
    cp.on(StartPipelineExecutionCommand).rejects(
      new ValidationException({ message: 'Variable DATASET is not defined', $metadata: {} }),
    );
    const failure = await pipelines.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineStartRejectedError);
    expect(failure).toMatchObject({ retryable: false });
  });

  it.each([
    ['ConflictException', new ConflictException({ message: 'pipeline is busy', $metadata: {} })],
    [
      'ConcurrentPipelineExecutionsLimitExceededException',
      new ConcurrentPipelineExecutionsLimitExceededException({ message: 'limit', $metadata: {} }),
    ],
    [
      'ThrottlingException',
      new CodePipelineServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: {},
        message: 'Rate exceeded',
      }),
    ],
  ])('maps %s to a retryable AwsCallError', async (_name, cause) => {
    cp.on(StartPipelineExecutionCommand).rejects(cause);
    const failure = await pipelines.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true, cause });
  });

  it('treats a response without an execution id as a retryable AwsCallError', async () => {
    cp.on(StartPipelineExecutionCommand).resolves({});
    await expect(pipelines.start(request)).rejects.toMatchObject({ name: 'AwsCallError', retryable: true });
  });
});
