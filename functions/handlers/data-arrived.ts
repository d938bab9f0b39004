import type { SQSBatchResponse } from 'aws-lambda';
import { accountAndRegion } from '../parsing/parsed';
import { parseS3, type ObjectsDelivered } from '../parsing/s3';
import type { Logger } from '../ports/logger';
import type { RetrainingWorkflow } from '../workflows/retraining';
import { lambdaHandler } from '../config/runtime';
import { retrainingRuntime } from '../config/retraining-runtime';
import { inOneCallOrEach } from './support/partial-batch';

/**
 * S3 "object created" from EventBridge, S3 notifications, SNS, SQS, SNS-in-SQS (functions/parsing/s3.ts).
 * The objects of a whole SQS batch are recorded in one ledger append per rule; if that fails, each
 * delivery is retried alone so only the failing SQS records are reported back for redelivery.
 */
export function dataArrived(workflow: RetrainingWorkflow, logger: Logger) {
  return async (event: unknown): Promise<SQSBatchResponse | void> => {
    const { commands, skipped, invalid } = parseS3(event);
    for (const { origin, reason } of invalid) {
      logger.error('invalid delivery ignored', { delivery: origin.id, problem: reason });
      await workflow.ignore(`delivery/${origin.id}`, [reason], { origin: accountAndRegion(origin) });
    }
    for (const { origin, reason } of skipped) logger.info('record skipped', { delivery: origin.id, reason });
    const actionable: ObjectsDelivered[] = [];
    for (const d of commands) {
      const foreign = workflow.foreignOrigin(d.origin);
      if (foreign) {
        logger.warn('foreign delivery ignored', { delivery: d.origin.id, reason: foreign });
        await workflow.ignore(`delivery/${d.origin.id}`, [foreign], {
          origin: accountAndRegion(d.origin),
          objects: d.objects.length,
        });
      } else if (d.objects.length > 0) actionable.push(d);
    }
    const sqs = [...commands, ...invalid].some((d) => d.origin.via === 'sqs');
    return inOneCallOrEach(
      { sqs, deliveries: actionable },
      {
        all: (ds) =>
          workflow.onObjects(
            ds.flatMap((d) => d.objects),
            {},
            ds.map((d) => d.origin.id).join(','),
          ),
        each: (d) => workflow.onObjects(d.objects, {}, d.origin.id),
      },
      logger,
    );
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await retrainingRuntime();
  return dataArrived(rt.retraining, rt.logger);
});
