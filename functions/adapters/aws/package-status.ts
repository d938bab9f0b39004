import {
  DescribeModelPackageCommand,
  UpdateModelPackageCommand,
  type SageMakerClient,
  type UpdateModelPackageCommandInput,
} from '@aws-sdk/client-sagemaker';
import { AwsCallError } from '../../domain/errors';
import type { PackageStatus } from '../../ports/package-status';
import { singleLine } from './model-registry';

/** ApprovalDescription is one line (see singleLine) of at most 1024 characters. */
export function rejectInput(modelPackageArn: string, reason: string): UpdateModelPackageCommandInput {
  return {
    ModelPackageArn: modelPackageArn,
    ModelApprovalStatus: 'Rejected',
    ApprovalDescription: singleLine(reason).slice(0, 1024),
  };
}

export class SageMakerPackageStatus implements PackageStatus {
  constructor(private readonly client: SageMakerClient) {}

  async approval(modelPackageArn: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn }));
      return out.ModelApprovalStatus;
    } catch (error) {
      if (error instanceof Error && error.name === 'ValidationException') return undefined;
      throw new AwsCallError('sagemaker', 'DescribeModelPackage', error);
    }
  }

  async reject(modelPackageArn: string, reason: string): Promise<void> {
    try {
      await this.client.send(new UpdateModelPackageCommand(rejectInput(modelPackageArn, reason)));
    } catch (error) {
      throw new AwsCallError('sagemaker', 'UpdateModelPackage', error);
    }
  }
}
