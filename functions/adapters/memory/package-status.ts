import { rejectInput } from '../aws/package-status';
import { AwsCallError } from '../../domain/errors';
import type { PackageStatus } from '../../ports/package-status';
import { rollbackWorld } from './rollback-world';
import type { MemoryWorld } from './world';

export class MemoryPackageStatus implements PackageStatus {
  constructor(private readonly world: MemoryWorld) {}

  async approval(modelPackageArn: string): Promise<string | undefined> {
    return rollbackWorld(this.world).packages.get(modelPackageArn);
  }

  async reject(modelPackageArn: string, reason: string): Promise<void> {
    const packages = rollbackWorld(this.world).packages;
    if (!packages.has(modelPackageArn))
      throw new AwsCallError(
        'sagemaker',
        'UpdateModelPackage',
        Object.assign(new Error(`simulated ValidationException: ${modelPackageArn} does not exist`), {
          name: 'ValidationException',
        }),
      );
    this.world.record('sagemaker', 'UpdateModelPackage', { ...rejectInput(modelPackageArn, reason) });
    packages.set(modelPackageArn, 'Rejected');
  }
}
