import * as z from 'zod/mini';
import { toModelPackage } from '../domain/model-package';
import { describeIssues } from '../domain/validation';
import type { ModelPackage } from '../ports/model-registry';
import { eventId, notUnderstood, one, type Origin, type Parsed } from './parsed';

// Apart from sagemaker.ts (endpoint changes): this file's schemas and zod's English messages
// (domain/validation.ts) would otherwise be bundled into the endpoint tracker (+4.7 KB measured).
/**
 * "SageMaker Model Package State Change", any status. `pending` is false for a package already
 * decided (our own UpdateModelPackage emits this event too); the handler checks the origin first.
 */
export interface ModelPackageChange {
  id: string;
  origin: Origin;
  arn: string;
  group: string;
  status?: string;
  pending: boolean;
  /** The package as the event shows it, when the detail carries it whole. */
  snapshot?: ModelPackage;
}

const modelPackageEvent = z.object({
  id: z.string(),
  source: z.literal('aws.sagemaker'),
  'detail-type': z.literal('SageMaker Model Package State Change'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    ModelPackageArn: z.string().check(z.regex(/^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:model-package\/.+/)),
    ModelPackageGroupName: z.string().check(z.minLength(1)),
    ModelApprovalStatus: z.optional(z.string()),
  }),
});

const report = z.optional(
  z.object({
    S3Uri: z.optional(z.string()),
    ContentType: z.optional(z.string()),
    ContentDigest: z.optional(z.string()),
  }),
);

/** What the checks read, as the detail (a mirror of DescribeModelPackage) carries it. */
const packageSnapshot = z.object({
  ModelPackageArn: z.string(),
  ModelPackageGroupName: z.string(),
  ModelPackageVersion: z.optional(z.number()),
  ModelApprovalStatus: z.string(),
  CreationTime: z.optional(z.union([z.string(), z.number()])),
  CustomerMetadataProperties: z.optional(z.record(z.string(), z.string())),
  ModelMetrics: z.optional(
    z.object({
      ModelQuality: z.optional(z.object({ Statistics: report, Constraints: report })),
      ModelDataQuality: z.optional(z.object({ Statistics: report, Constraints: report })),
      Bias: z.optional(z.object({ Report: report, PreTrainingReport: report, PostTrainingReport: report })),
      Explainability: z.optional(z.object({ Report: report })),
    }),
  ),
});

/**
 * The package as the event shows it, or undefined when the detail does not carry it in the
 * expected shape: the gate then judges the package from DescribeModelPackage alone.
 */
function snapshotOf(detail: unknown): ModelPackage | undefined {
  const parsed = packageSnapshot.safeParse(detail);
  // A status AWS adds later is a plain string here; the port's status passes strings through.
  return parsed.success ? toModelPackage(parsed.data) : undefined;
}

export function parseModelPackageChange(event: unknown): Parsed<ModelPackageChange> {
  const parsed = modelPackageEvent.safeParse(event);
  if (!parsed.success)
    return notUnderstood({ via: 'unknown', id: eventId(event) }, describeIssues(parsed.error, { root: 'event' }));
  const { detail } = parsed.data;
  const status = detail.ModelApprovalStatus;
  const snapshot = snapshotOf((event as { detail: unknown }).detail);
  return one({
    id: parsed.data.id,
    origin: { account: parsed.data.account, region: parsed.data.region },
    arn: detail.ModelPackageArn,
    group: detail.ModelPackageGroupName,
    ...(status ? { status } : {}),
    pending: !status || status === 'PendingManualApproval',
    ...(snapshot ? { snapshot } : {}),
  });
}
