import type { SQSBatchResponse } from 'aws-lambda';
import { parseS3Deliveries, type Delivery } from '../domain/s3-deliveries';
import { ControllerError } from '../domain/errors';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { lambdaHandler } from '../config/runtime';
import { retrainingRuntime } from '../config/retraining-runtime';

/**
 * S3 "object created" from EventBridge, S3 notifications, SNS, SQS, SNS-in-SQS.
 * The objects of a whole SQS batch are recorded in one ledger append per rule (that is what
 * keeps the cost near one write unit per object); if that fails, each delivery is retried alone so
 * only the failing SQS records are reported back for redelivery.
 */
export function dataArrived(workflow: RetrainingWorkflow, logger: Logger) {
  return async (event: unknown): Promise<SQSBatchResponse | void> => {
    const deliveries = parseS3Deliveries(event);
    const actionable: Delivery[] = [];
    for (const d of deliveries) {
      if (d.invalid) {
        logger.error('invalid delivery ignored', { delivery: d.id, problem: d.invalid });
        await workflow.ignore(`delivery/${d.id}`, [d.invalid], { origin: d.origin });
        continue;
      }
      for (const reason of d.skipped) logger.info('record skipped', { delivery: d.id, reason });
      const foreign = workflow.foreignOrigin(d.origin);
      if (foreign) {
        logger.warn('foreign delivery ignored', { delivery: d.id, reason: foreign });
        await workflow.ignore(`delivery/${d.id}`, [foreign], { origin: d.origin, objects: d.objects.length });
        continue;
      }
      if (d.objects.length > 0) actionable.push(d);
    }
    if (actionable.length === 0) return deliveries.some((d) => d.sqs) ? { batchItemFailures: [] } : undefined;

    try {
      await workflow.onObjects(
        actionable.flatMap((d) => d.objects),
        {},
        actionable.map((d) => d.id).join(','),
      );
      return deliveries.some((d) => d.sqs) ? { batchItemFailures: [] } : undefined;
    } catch (error) {
      if (actionable.length === 1 || !actionable.every((d) => d.sqs)) throw error;
      logger.warn('batch append failed; retrying deliveries one by one', { error: String(error) });
    }

    const failed: string[] = [];
    for (const d of actionable) {
      try {
        await workflow.onObjects(d.objects, {}, d.id);
      } catch (error) {
        logger.error('delivery failed; SQS will redeliver it', {
          delivery: d.id,
          error: error instanceof Error ? error.message : String(error),
          retryable: error instanceof ControllerError ? error.retryable : true,
        });
        failed.push(d.id);
      }
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await retrainingRuntime();
  return dataArrived(rt.retraining, rt.logger);
});
