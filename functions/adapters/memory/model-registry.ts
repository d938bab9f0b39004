import { approvalInput } from '../aws/model-registry';
import type { ApprovalStatus, ModelPackage, ModelPackageSummary, ModelRegistry } from '../../ports/model-registry';
import { gatesState } from './gates-world';
import type { MemoryWorld } from './world';

/** The Model Registry for the embedded backend; UpdateModelPackage is journaled as AWS would receive it. */
export class MemoryModelRegistry implements ModelRegistry {
  constructor(private readonly world: MemoryWorld) {}

  private get packages(): Map<string, ModelPackage> {
    return gatesState(this.world).packages;
  }

  async describe(arn: string): Promise<ModelPackage | undefined> {
    const p = this.packages.get(arn);
    return p ? structuredClone(p) : undefined;
  }

  async listByStatus(group: string, status: ApprovalStatus, limit: number): Promise<ModelPackageSummary[]> {
    return [...this.packages.values()]
      .filter((p) => p.group === group && p.status === status)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (b.version ?? 0) - (a.version ?? 0))
      .slice(0, limit)
      .map((p) => ({
        arn: p.arn,
        group: p.group,
        ...(p.version !== undefined ? { version: p.version } : {}),
        status: p.status,
        createdAt: p.createdAt,
      }));
  }

  async setApprovalStatus(arn: string, status: ApprovalStatus, description: string): Promise<void> {
    const p = this.packages.get(arn);
    const input = approvalInput(arn, status, description);
    // SageMaker answers an unknown ARN with ValidationException; nothing is written then.
    if (!p)
      throw Object.assign(new Error(`simulated ValidationException: model package ${arn} not found`), {
        name: 'ValidationException',
      });
    this.world.record('sagemaker', 'UpdateModelPackage', { ...input });
    p.status = status;
    p.approvalDescription = input.ApprovalDescription!;
  }
}
