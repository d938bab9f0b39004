import type { ModelPackage, ReportRef } from '../ports/model-registry';

/** A ModelMetrics `MetricsSource` as DescribeModelPackage and the state-change event carry it. */
interface MetricsSource {
  S3Uri?: string | undefined;
  ContentType?: string | undefined;
  ContentDigest?: string | undefined;
}

/**
 * The members of DescribeModelPackage's answer the gates read; the "SageMaker Model Package State
 * Change" detail mirrors them (CreationTime there is an ISO string or epoch milliseconds).
 */
export interface PackageDescription {
  ModelPackageArn?: string | undefined;
  ModelPackageGroupName?: string | undefined;
  ModelPackageVersion?: number | undefined;
  ModelApprovalStatus?: string | undefined;
  CreationTime?: Date | string | number | undefined;
  CustomerMetadataProperties?: Record<string, string> | undefined;
  ApprovalDescription?: string | undefined;
  ModelMetrics?:
    | {
        ModelQuality?: { Statistics?: MetricsSource | undefined; Constraints?: MetricsSource | undefined } | undefined;
        ModelDataQuality?:
          { Statistics?: MetricsSource | undefined; Constraints?: MetricsSource | undefined } | undefined;
        Bias?:
          | {
              Report?: MetricsSource | undefined;
              PreTrainingReport?: MetricsSource | undefined;
              PostTrainingReport?: MetricsSource | undefined;
            }
          | undefined;
        Explainability?: { Report?: MetricsSource | undefined } | undefined;
      }
    | undefined;
}

/** A Date from the SDK; in events an ISO string or, in real captures, epoch milliseconds. */
export const creationTime = (t: Date | string | number | undefined): string =>
  t instanceof Date
    ? t.toISOString()
    : typeof t === 'string'
      ? t
      : typeof t === 'number' && Number.isFinite(t)
        ? new Date(t).toISOString()
        : new Date(0).toISOString();

function report(source: MetricsSource | undefined): ReportRef | undefined {
  if (!source?.S3Uri) return undefined;
  return {
    s3Uri: source.S3Uri,
    ...(source.ContentType ? { contentType: source.ContentType } : {}),
    ...(source.ContentDigest ? { contentDigest: source.ContentDigest } : {}),
  };
}

/** DescribeModelPackage's answer (or the event's detail, which mirrors it) as the port's package. */
export function toModelPackage(d: PackageDescription): ModelPackage {
  const m = d.ModelMetrics;
  const entries = {
    'ModelQuality.Statistics': report(m?.ModelQuality?.Statistics),
    'ModelQuality.Constraints': report(m?.ModelQuality?.Constraints),
    'ModelDataQuality.Statistics': report(m?.ModelDataQuality?.Statistics),
    'ModelDataQuality.Constraints': report(m?.ModelDataQuality?.Constraints),
    'Bias.Report': report(m?.Bias?.Report),
    'Bias.PreTrainingReport': report(m?.Bias?.PreTrainingReport),
    'Bias.PostTrainingReport': report(m?.Bias?.PostTrainingReport),
    'Explainability.Report': report(m?.Explainability?.Report),
  };
  return {
    arn: d.ModelPackageArn ?? '',
    group: d.ModelPackageGroupName ?? '',
    ...(d.ModelPackageVersion !== undefined ? { version: d.ModelPackageVersion } : {}),
    status: d.ModelApprovalStatus ?? 'PendingManualApproval',
    createdAt: creationTime(d.CreationTime),
    reports: Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)),
    customerMetadata: { ...(d.CustomerMetadataProperties ?? {}) },
    ...(d.ApprovalDescription ? { approvalDescription: d.ApprovalDescription } : {}),
  };
}
