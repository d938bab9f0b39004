import {
  PERIOD_SECONDS,
  requestProblem,
  SeriesError,
  type MetricRef,
  type MetricSeries,
  type PairedSeries,
  type SeriesPair,
  type SeriesPoint,
  type SeriesWindow,
} from '../../ports/metric-series';
import type { MemoryWorld } from './world';

/** One published value, as PutMetricData stores it. */
export interface MetricDatum {
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  at: Date;
  value: number;
}

/** The metric data of the embedded backend (simulate seeds it, the judgments read it). */
export class MetricWorld {
  readonly data: MetricDatum[] = [];

  put(datum: MetricDatum): void {
    this.data.push(datum);
  }
}

const worlds = new WeakMap<MemoryWorld, MetricWorld>();

/** The metric data attached to a MemoryWorld (created on first use). */
export function metricWorld(world: MemoryWorld): MetricWorld {
  let m = worlds.get(world);
  if (!m) {
    m = new MetricWorld();
    worlds.set(world, m);
  }
  return m;
}

const sameDimensions = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
};

/** CloudWatch's statistics over one period's raw values; percentiles by nearest rank. */
function statistic(stat: string, values: number[]): number {
  switch (stat) {
    case 'Average':
      return values.reduce((s, v) => s + v, 0) / values.length;
    case 'Sum':
      return values.reduce((s, v) => s + v, 0);
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (!p) throw new SeriesError(`statistic ${stat} is not one the embedded backend computes`);
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.max(1, Math.ceil((Number(p[1]) / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Reads the embedded metric data the way GetMetricData aggregates it: 1-minute periods over [start, end). */
export class MemoryMetricSeries implements MetricSeries {
  /** GetMetricData requests served: one per `read`, whatever the number of pairs. */
  requests = 0;

  constructor(private readonly world: MemoryWorld) {}

  async read(pairs: readonly SeriesPair[], window: SeriesWindow): Promise<PairedSeries[]> {
    const problem = requestProblem(pairs, window);
    if (problem) throw new SeriesError(`cannot read metric series: ${problem}`);
    this.requests += 1;
    const data = metricWorld(this.world).data;
    const series = (m: MetricRef): SeriesPoint[] => {
      const start = window.start.getTime();
      const end = window.end.getTime();
      const periods = new Map<number, number[]>();
      for (const d of data) {
        const t = d.at.getTime();
        if (t < start || t >= end) continue;
        if (d.namespace !== m.namespace || d.metricName !== m.metricName || !sameDimensions(d.dimensions, m.dimensions))
          continue;
        const period = t - ((t - start) % (PERIOD_SECONDS * 1000));
        const values = periods.get(period) ?? [];
        values.push(d.value);
        periods.set(period, values);
      }
      return [...periods.entries()]
        .sort(([a], [b]) => a - b)
        .map(([at, values]) => ({ at: new Date(at).toISOString(), value: statistic(m.statistic, values) }));
    };
    return pairs.map((p) => ({ metric: p.metric, canary: series(p.canary), baseline: series(p.baseline) }));
  }
}
