import { createHash } from 'node:crypto';
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  type SageMakerClient,
  type UpdateModelPackageCommandInput,
} from '@aws-sdk/client-sagemaker';
import { AwsCallError } from '../../domain/errors';
import { creationTime, toModelPackage } from '../../domain/model-package';
import type { ApprovalStatus, ModelPackage, ModelPackageSummary, ModelRegistry } from '../../ports/model-registry';

/** ApprovalDescription's limit (UpdateModelPackage API reference). */
export const APPROVAL_DESCRIPTION_MAX = 1024;

/**
 * UpdateModelPackage `ClientToken` (1–36 characters, `[a-zA-Z0-9](-*[a-zA-Z0-9])*`), derived from
 * what is written, so a retried or duplicated call is the same request.
 */
export function approvalToken(arn: string, status: ApprovalStatus, description: string): string {
  return createHash('sha256').update(`${arn}\u0000${status}\u0000${description}`).digest('hex').slice(0, 36);
}

/**
 * ApprovalDescription's pattern in the SageMaker model is `.*`, which AWS matches as Java does:
 * `.` stops at a line terminator, so a multi-line description is refused with a
 * ValidationException. A gate's summary is one line per metric: the lines are joined instead.
 */
export function singleLine(text: string): string {
  return text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).join(' | ');
}

/** The exact UpdateModelPackage input (shared with the memory adapter). */
export function approvalInput(
  arn: string,
  status: ApprovalStatus,
  description: string,
): UpdateModelPackageCommandInput {
  const flat = singleLine(description);
  const text = flat.length > APPROVAL_DESCRIPTION_MAX ? `${flat.slice(0, APPROVAL_DESCRIPTION_MAX - 1)}…` : flat;
  return {
    ModelPackageArn: arn,
    ModelApprovalStatus: status,
    ApprovalDescription: text,
    ClientToken: approvalToken(arn, status, text),
  };
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFound' ||
    (error.name === 'ValidationException' && /does not exist|not found/i.test(error.message)));

/** Pages read at most while listing: a group with more matching versions than this is pathological. */
const MAX_PAGES = 10;

export class SageMakerModelRegistry implements ModelRegistry {
  constructor(private readonly client: SageMakerClient) {}

  async describe(arn: string): Promise<ModelPackage | undefined> {
    try {
      return toModelPackage(await this.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new AwsCallError('sagemaker', 'DescribeModelPackage', error);
    }
  }

  async listByStatus(group: string, status: ApprovalStatus, limit: number): Promise<ModelPackageSummary[]> {
    const out: ModelPackageSummary[] = [];
    let next: string | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < limit; page += 1) {
      let response;
      try {
        response = await this.client.send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelApprovalStatus: status,
            ModelPackageType: 'Versioned',
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: Math.min(100, Math.max(1, limit)),
            ...(next ? { NextToken: next } : {}),
          }),
        );
      } catch (error) {
        throw new AwsCallError('sagemaker', 'ListModelPackages', error);
      }
      for (const s of response.ModelPackageSummaryList ?? [])
        if (out.length < limit && s.ModelPackageArn)
          out.push({
            arn: s.ModelPackageArn,
            group: s.ModelPackageGroupName ?? group,
            ...(s.ModelPackageVersion !== undefined ? { version: s.ModelPackageVersion } : {}),
            status: s.ModelApprovalStatus ?? status,
            createdAt: creationTime(s.CreationTime),
          });
      next = response.NextToken;
      if (!next) break;
    }
    return out;
  }

  async setApprovalStatus(arn: string, status: ApprovalStatus, description: string): Promise<void> {
    try {
      await this.client.send(new UpdateModelPackageCommand(approvalInput(arn, status, description)));
    } catch (error) {
      throw new AwsCallError('sagemaker', 'UpdateModelPackage', error);
    }
  }
}
