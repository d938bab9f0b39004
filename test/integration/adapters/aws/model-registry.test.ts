import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerModelRegistry } from '../../../../functions/adapters/aws/model-registry';
import { AwsCallError } from '../../../../functions/domain/errors';
import { describeModelRegistryContract } from '../../../contract/model-registry.contract';
import { awsClientConfig, uniqueName } from '../../../support/aws';

const sagemaker = new SageMakerClient(awsClientConfig());

describeModelRegistryContract('SageMakerModelRegistry on moto', async () => {
  const group = uniqueName('models');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  return {
    registry: new SageMakerModelRegistry(sagemaker),
    group,
    register: async ({ status, reportUri, metadata }) => {
      const response = await sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: status,
          ...(reportUri
            ? { ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: reportUri } } } }
            : {}),
          ...(metadata ? { CustomerMetadataProperties: metadata } : {}),
        }),
      );
      // moto stamps CreationTime to the second or finer; keep versions strictly ordered.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return response.ModelPackageArn!;
    },
  };
});

describe('SageMakerModelRegistry', () => {
  it('surfaces a throttled describe as a retryable AwsCallError (aws-sdk-client-mock: moto never throttles)', async () => {
    const client = new SageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const mock = mockClient(client);
    mock
      .on(DescribeModelPackageCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const failure = await new SageMakerModelRegistry(client)
      .describe('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1')
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ retryable: true });
    mock.restore();
  });
});
