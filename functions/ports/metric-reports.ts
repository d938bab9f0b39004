import { ControllerError } from '../domain/errors';

/**
 * Metric reports (ModelMetrics JSON documents in S3). `readJson` throws a `ReportError` saying why a
 * report is unusable (missing, denied, too large, not JSON, digest mismatch) and `AwsCallError` for
 * transient failures, which must surface so the event is retried.
 */
export interface ReadOptions {
  maxBytes: number;
  /** `sha256:<hex>` the body must match. */
  contentDigest?: string;
  /**
   * The report may be served from this container's cache: when pinned by a digest, without a call;
   * otherwise revalidated by ETag (a conditional GET that transfers no body when unchanged).
   */
  cacheable?: boolean;
}

export interface MetricReports {
  readJson(uri: string, options: ReadOptions): Promise<unknown>;
}

/** Why a report cannot be used. `status` is what the check becomes: NODATA (absent) or ERROR. */
export class ReportError extends ControllerError {
  constructor(
    readonly status: 'NODATA' | 'ERROR',
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause, retryable: false });
  }
}
