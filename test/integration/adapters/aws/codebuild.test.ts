/**
 * The CodeBuild starter on the SDK's own request path, StartBuild stubbed with aws-sdk-client-mock:
 * moto 5.2.1 implements StartBuild but answers `startTime` as an ISO string where the API model has
 * an epoch timestamp, which the SDK cannot parse; it also ignores idempotencyToken and
 * environmentVariablesOverride. The stub asserts the exact input.
 */
import {
  AccountLimitExceededException,
  CodeBuildClient,
  ResourceNotFoundException,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { CodeBuildStarter, codeBuildStartInput, codeBuildToken } from '../../../../functions/adapters/aws/codebuild';
import { CodePipelineStarter } from '../../../../functions/adapters/aws/codepipeline';
import { AwsPipelines, PipelineNotFoundError } from '../../../../functions/adapters/aws/pipelines';
import { SageMakerPipelineStarter } from '../../../../functions/adapters/aws/sagemaker';
import { AwsCallError } from '../../../../functions/domain/errors';
import { targetFor } from '../../../contract/pipelines.contract';
import { awsClientConfig } from '../../../support/aws';

const client = new CodeBuildClient(awsClientConfig());
const mock = mockClient(client);
const pipelines = new AwsPipelines({
  codepipeline: new CodePipelineStarter(new CodePipelineClient(awsClientConfig())),
  sagemaker: new SageMakerPipelineStarter(new SageMakerClient(awsClientConfig())),
  codebuild: new CodeBuildStarter(client),
});
afterAll(() => mock.restore());
beforeEach(() => mock.reset());

const request = {
  target: targetFor('codebuild', 'train-churn', true),
  token: 'a'.repeat(64),
  manifestUri: 's3://m/churn/3.json',
  batchId: 'churn-3',
};
const arn = 'arn:aws:codebuild:us-east-1:123456789012:build/train-churn:0b1c2d3e';

describe('CodeBuildStarter', () => {
  it('sends the project, a deterministic idempotencyToken and the manifest, batch id and static variables, and answers the build ARN', async () => {
    mock.on(StartBuildCommand).resolves({ build: { id: 'train-churn:0b1c2d3e', arn } });
    expect(await pipelines.start(request)).toEqual({ executionId: arn });
    expect(mock.commandCalls(StartBuildCommand).map((c) => c.args[0].input)).toEqual([
      {
        projectName: 'train-churn',
        idempotencyToken: codeBuildToken('a'.repeat(64)),
        environmentVariablesOverride: [
          { name: 'MANIFEST_URI', value: 's3://m/churn/3.json', type: 'PLAINTEXT' },
          { name: 'BATCH_ID', value: 'churn-3', type: 'PLAINTEXT' },
          { name: 'STAGE', value: 'prod', type: 'PLAINTEXT' },
        ],
      },
    ]);
  });

  it('sends the same request, token included, for a repeated start', () => {
    expect(codeBuildStartInput(request)).toEqual(codeBuildStartInput({ ...request }));
    expect(codeBuildToken('t1')).not.toBe(codeBuildToken('t2'));
  });

  it('refuses a project that does not exist without retrying', async () => {
    mock
      .on(StartBuildCommand)
      .rejects(new ResourceNotFoundException({ message: 'Project cannot be found', $metadata: {} }));
    const failure = await pipelines.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineNotFoundError);
    expect(failure).toMatchObject({ retryable: false });
  });

  it('surfaces the account build limit as retryable', async () => {
    mock
      .on(StartBuildCommand)
      .rejects(
        new AccountLimitExceededException({ message: 'Cannot have more than 60 builds in queue', $metadata: {} }),
      );
    const failure = await pipelines.start(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true });
  });
});
