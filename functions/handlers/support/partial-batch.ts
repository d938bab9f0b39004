import type { SQSBatchResponse } from 'aws-lambda';
import { ControllerError } from '../../domain/errors';
import type { RecordOrigin } from '../../parsing/parsed';
import type { Logger } from '../../ports/logger';

/**
 * Acts on a batch's deliveries in one call (what keeps data-arrived near one ledger write unit per
 * object); if that call fails and every delivery came through SQS, acts on each alone and reports
 * only the failing ones (ReportBatchItemFailures), so SQS redelivers those and never replays the
 * good ones. A single delivery, or one that did not come through SQS, has nobody to report to: the
 * error surfaces and Lambda retries the invocation. Records the parser rejected are acknowledged
 * (an SQS batch answers with no failure for them): a redelivery would be just as invalid.
 *
 * Powertools' BatchProcessor (`@aws-lambda-powertools/batch`) handles the one-by-one part alone:
 * it has no "whole batch first" step, it works on raw SQS records (each would be parsed again),
 * processes them in parallel by default, throws when every record fails, and adds ~8 KB minified.
 */
export async function inOneCallOrEach<T extends { origin: RecordOrigin }>(
  batch: { sqs: boolean; deliveries: readonly T[] },
  act: { all: (deliveries: readonly T[]) => Promise<void>; each: (delivery: T) => Promise<void> },
  logger: Logger,
): Promise<SQSBatchResponse | void> {
  const answer = (failed: string[]) =>
    batch.sqs ? { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } : undefined;
  const { deliveries } = batch;
  if (deliveries.length === 0) return answer([]);
  try {
    await act.all(deliveries);
    return answer([]);
  } catch (error) {
    if (deliveries.length === 1 || !deliveries.every((d) => d.origin.via === 'sqs')) throw error;
    logger.warn('batch append failed; retrying deliveries one by one', { error: String(error) });
  }
  const failed: string[] = [];
  for (const d of deliveries) {
    try {
      await act.each(d);
    } catch (error) {
      logger.error('delivery failed; SQS will redeliver it', {
        delivery: d.origin.id,
        error: error instanceof Error ? error.message : String(error),
        retryable: error instanceof ControllerError ? error.retryable : true,
      });
      failed.push(d.origin.id);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
