import * as z from 'zod/mini';
import { toModelPackage } from '../domain/model-package';
import { describeIssues } from '../domain/validation';
import type { ModelPackage } from '../ports/model-registry';
import type { Logger } from '../ports/logger';
import type { GateWorkflow } from '../workflows/gates';
import { lambdaHandler } from '../config/runtime';
import { gatesRuntime } from '../config/gates-runtime';

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

/** "SageMaker Model Package State Change": a package pending approval is judged by its group's gate. */
export function modelRegistered(gates: GateWorkflow, logger: Logger) {
  return async (event: unknown): Promise<void> => {
    const parsed = modelPackageEvent.safeParse(event);
    const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : 'event';
    if (!parsed.success) {
      const problem = describeIssues(parsed.error, { root: 'event' });
      logger.error('not a model package state change', { id, problem });
      await gates.record({
        kind: 'gate.ignore',
        subject: `event/${id}`,
        outcome: 'IGNORED',
        reasons: [problem],
        inputs: {},
      });
      return;
    }
    const { detail } = parsed.data;
    const foreign = gates.foreignOrigin(parsed.data);
    if (foreign) {
      await gates.record({
        kind: 'gate.ignore',
        subject: detail.ModelPackageArn,
        outcome: 'IGNORED',
        reasons: [foreign],
        inputs: { eventId: id },
      });
      return;
    }
    // Our own UpdateModelPackage emits this event too (Approved/Rejected): nothing to decide.
    if (detail.ModelApprovalStatus && detail.ModelApprovalStatus !== 'PendingManualApproval') {
      logger.info('package not pending approval; nothing to decide', {
        arn: detail.ModelPackageArn,
        status: detail.ModelApprovalStatus,
      });
      return;
    }
    await gates.onModelPackage(
      detail.ModelPackageArn,
      detail.ModelPackageGroupName,
      id,
      snapshotOf((event as { detail: unknown }).detail),
    );
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await gatesRuntime();
  return modelRegistered(rt.gates, rt.logger);
});
