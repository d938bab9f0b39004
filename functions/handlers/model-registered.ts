import * as z from 'zod/mini';
import { describeIssues } from '../domain/validation';
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
    await gates.onModelPackage(detail.ModelPackageArn, detail.ModelPackageGroupName, id);
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await gatesRuntime();
  return modelRegistered(rt.gates, rt.logger);
});
