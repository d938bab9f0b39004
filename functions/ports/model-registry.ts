import type { MetricSource } from '../config/policy-gates';

export type ApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

/** Where a ModelMetrics report lives (DescribeModelPackage `MetricsSource`). */
export interface ReportRef {
  s3Uri: string;
  contentType?: string;
  /** `sha256:<hex>` when the package declared one: the report's content is then pinned. */
  contentDigest?: string;
}

export interface ModelPackage {
  arn: string;
  group: string;
  version?: number;
  /** ModelApprovalStatus; strings AWS may add later pass through. */
  status: ApprovalStatus | (string & {});
  createdAt: string;
  reports: Partial<Record<Exclude<MetricSource, 'CustomerMetadataProperties'>, ReportRef>>;
  customerMetadata: Record<string, string>;
  approvalDescription?: string;
}

export interface ModelPackageSummary {
  arn: string;
  group: string;
  version?: number;
  status: string;
  createdAt: string;
}

/**
 * The SageMaker Model Registry as the controller uses it: read a package by ARN, list a group's
 * packages in a status (newest first), and set a package's approval status.
 */
export interface ModelRegistry {
  /** undefined when the package does not exist. */
  describe(arn: string): Promise<ModelPackage | undefined>;
  /** Versioned packages of `group` in `status`, newest CreationTime first, at most `limit`. */
  listByStatus(group: string, status: ApprovalStatus, limit: number): Promise<ModelPackageSummary[]>;
  /**
   * Sets the approval status and its description (≤ 1024 characters). The API has no conditional
   * update: the caller reads the status just before (the gate's fresh DescribeModelPackage), which
   * narrows the window in which a person's decision could be overwritten to a round trip or two.
   */
  setApprovalStatus(arn: string, status: ApprovalStatus, description: string): Promise<void>;
}
