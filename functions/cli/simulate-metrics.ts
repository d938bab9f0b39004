/**
 * The `world.metrics` series of a scenario: CloudWatch data points the canary judgments read,
 * generated from a line (a value, a slope per minute) and seeded noise, so a scenario states the
 * shape of a series in a few numbers and every run publishes the same points.
 */
import * as z from 'zod';
import type { MetricDatum } from '../adapters/memory/metric-series';

const MINUTE = 60_000;

export const metricSeed = z.strictObject({
  namespace: z.string().min(1),
  metricName: z.string().min(1),
  /** The metric's full dimension set, as GetMetricData must name it to match. */
  dimensions: z.record(z.string(), z.string()).default({}),
  /** Minutes after `start` of the first point (negative: before the scenario starts). */
  from: z.number().int().default(0),
  /** How many minutes the series covers. */
  minutes: z.number().int().positive(),
  /** One point every this many minutes (a starved series has gaps). */
  everyMinutes: z.number().int().positive().default(1),
  /** The value at `from`. */
  value: z.number(),
  /** Added per minute after `from` (a drift). */
  slope: z.number().default(0),
  /** Half-width of the uniform noise added to every point. */
  noise: z.number().nonnegative().default(0),
  /** Seeds the noise: two series with the same seed draw the same noise. */
  seed: z.number().int().nonnegative().default(1),
});
export type MetricSeed = z.output<typeof metricSeed>;

/** Uniform in [-1, 1), the same sequence for the same seed (a linear congruential generator). */
function uniform(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31) * 2 - 1;
  };
}

/**
 * The points of one seeded series, each published 5 s into its minute (a metric lands inside the
 * 1-minute period it belongs to, never on the boundary two periods share).
 */
export function seriesPoints(seed: MetricSeed, start: number): MetricDatum[] {
  const r = uniform(seed.seed);
  const points: MetricDatum[] = [];
  for (let i = 0; i < seed.minutes; i += seed.everyMinutes)
    points.push({
      namespace: seed.namespace,
      metricName: seed.metricName,
      dimensions: { ...seed.dimensions },
      at: new Date(start + (seed.from + i) * MINUTE + 5_000),
      value: seed.value + seed.slope * i + seed.noise * r(),
    });
  return points;
}
