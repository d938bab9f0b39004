/** A versioned model package in `group` on moto, with the inference specification the API requires. */
import { CreateModelPackageCommand, type ModelApprovalStatus, type SageMakerClient } from '@aws-sdk/client-sagemaker';

export async function motoModelPackage(
  sagemaker: SageMakerClient,
  group: string,
  status: ModelApprovalStatus,
  image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:4',
): Promise<string> {
  const created = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: status,
      InferenceSpecification: {
        Containers: [{ Image: image }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    }),
  );
  return created.ModelPackageArn!;
}
