import { ControllerError } from '../domain/errors';

/** One CloudWatch metric as GetMetricData's MetricStat names it. */
export interface MetricRef {
  namespace: string;
  metricName: string;
  /** The metric's full dimension set: CloudWatch matches a metric only on all of its dimensions. */
  dimensions: Readonly<Record<string, string>>;
  /** A GetMetricData `Stat`: Average, Sum, Minimum, Maximum, SampleCount, p99, ... */
  statistic: string;
}

/** The canary's and the baseline's series of one metric of an analysis. */
export interface SeriesPair {
  metric: string;
  canary: MetricRef;
  baseline: MetricRef;
}

/** [start, end), both on a minute boundary: the series are 1-minute periods. */
export interface SeriesWindow {
  start: Date;
  end: Date;
}

/** One 1-minute period's statistic; `at` is the period's start (ISO 8601). */
export interface SeriesPoint {
  at: string;
  value: number;
}

export interface PairedSeries {
  metric: string;
  /** Ascending by time; a minute without data has no point (never a zero). */
  canary: SeriesPoint[];
  baseline: SeriesPoint[];
}

/** The 1-minute period every series is read at. */
export const PERIOD_SECONDS = 60;

/** GetMetricData accepts at most 500 queries per request: two per pair. */
export const MAX_PAIRS = 250;

/**
 * Canary and baseline series for a judgment. `read` is one GetMetricData request (followed through
 * its NextToken pages) for every pair, both series of a pair over the same window. It throws
 * `SeriesError` for a request it refuses to send or a series CloudWatch would not return, and
 * `AwsCallError` for a failed call (the delivery is retried).
 */
export interface MetricSeries {
  read(pairs: readonly SeriesPair[], window: SeriesWindow): Promise<PairedSeries[]>;
}

/** Why series cannot be read: the request is invalid, or CloudWatch refused a series (Forbidden). */
export class SeriesError extends ControllerError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retryable: false });
  }
}

/** What a request must satisfy before it is sent; the reason it does not, or undefined. */
export function requestProblem(pairs: readonly SeriesPair[], window: SeriesWindow): string | undefined {
  if (pairs.length === 0) return 'no metrics to read';
  if (pairs.length > MAX_PAIRS) return `${pairs.length} metrics: GetMetricData reads at most ${MAX_PAIRS} pairs`;
  const names = new Set(pairs.map((p) => p.metric));
  if (names.size !== pairs.length) return 'metric names repeat: each pair needs its own name';
  const start = window.start.getTime();
  const end = window.end.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end)) return 'the window has an invalid time';
  if (end <= start) return `the window ends (${window.end.toISOString()}) before it starts`;
  const minute = PERIOD_SECONDS * 1000;
  // CloudWatch rounds an unaligned StartTime down: the two ends would not mean what they say.
  if (start % minute !== 0 || end % minute !== 0)
    return `the window ${window.start.toISOString()}..${window.end.toISOString()} is not on minute boundaries`;
  return undefined;
}
