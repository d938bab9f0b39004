/**
 * The MetricSeries contract: moto's CloudWatch (series put with PutMetricData) and the embedded
 * metric data read canary and baseline series alike. Each test publishes under a namespace and a
 * function name of its own, so tests sharing one moto server never see each other's data (moto
 * matches a query with dimensions on the name and dimensions only, not the namespace).
 */
import { randomBytes } from 'node:crypto';
import { SeriesError, type MetricRef, type MetricSeries, type SeriesPair } from '../../functions/ports/metric-series';

export interface MetricSeriesSubject {
  series: MetricSeries;
  /** Publishes one value (PutMetricData), at `at`. */
  put(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    at: Date,
    value: number,
  ): Promise<void>;
  /** GetMetricData requests made so far. */
  requests(): number;
}

const MINUTE = 60_000;

export function describeMetricSeriesContract(name: string, makeSubject: () => Promise<MetricSeriesSubject>): void {
  describe(`MetricSeries contract: ${name}`, () => {
    let s: MetricSeriesSubject;
    let namespace: string;
    // A recent whole minute: CloudWatch keeps 1-minute data for 15 days.
    const start = new Date(Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE);
    const minute = (n: number, seconds = 0) => new Date(start.getTime() + n * MINUTE + seconds * 1000);
    const ref = (dimensions: Record<string, string>, statistic = 'Average', metricName = 'Latency'): MetricRef => ({
      namespace,
      metricName,
      dimensions,
      statistic,
    });
    let canary: Record<string, string>;
    let baseline: Record<string, string>;
    let latency: SeriesPair;

    beforeEach(async () => {
      s = await makeSubject();
      const unique = randomBytes(4).toString('hex');
      namespace = `Contract/${unique}`;
      canary = { FunctionName: `churn-${unique}`, Resource: `churn-${unique}:live`, ExecutedVersion: '8' };
      baseline = { ...canary, ExecutedVersion: '7' };
      latency = { metric: 'latency', canary: ref(canary), baseline: ref(baseline) };
    });

    it('reads both series of a pair over the same window, one point per minute, ascending', async () => {
      for (const n of [2, 0, 1]) {
        await s.put(namespace, 'Latency', canary, minute(n, 10), 100 + n);
        await s.put(namespace, 'Latency', baseline, minute(n, 20), 50 + n);
      }
      const [read] = await s.series.read([latency], { start, end: minute(3) });
      expect(read).toEqual({
        metric: 'latency',
        canary: [0, 1, 2].map((n) => ({ at: minute(n).toISOString(), value: 100 + n })),
        baseline: [0, 1, 2].map((n) => ({ at: minute(n).toISOString(), value: 50 + n })),
      });
    });

    it('includes the first minute of the window and excludes data from its end on', async () => {
      await s.put(namespace, 'Latency', canary, minute(-1, 30), 1);
      await s.put(namespace, 'Latency', canary, minute(0), 2);
      await s.put(namespace, 'Latency', canary, minute(1, 59), 3);
      await s.put(namespace, 'Latency', canary, minute(2), 4);
      const [read] = await s.series.read([latency], { start, end: minute(2) });
      expect(read!.canary.map((p) => p.value)).toEqual([2, 3]);
    });

    it.each([
      ['Average', 20],
      ['Sum', 60],
      ['Maximum', 30],
      ['Minimum', 10],
      ['SampleCount', 3],
    ])('aggregates the values of one minute by the statistic (%s)', async (statistic, expected) => {
      for (const v of [10, 20, 30]) await s.put(namespace, 'Latency', canary, minute(0, v), v);
      const pair = { metric: 'latency', canary: ref(canary, statistic), baseline: ref(baseline, statistic) };
      const [read] = await s.series.read([pair], { start, end: minute(1) });
      expect(read!.canary).toEqual([{ at: start.toISOString(), value: expected }]);
    });

    it('matches a metric on its full dimension set only', async () => {
      const { ExecutedVersion: _, ...aliasOnly } = canary;
      await s.put(namespace, 'Latency', aliasOnly, minute(0), 999);
      await s.put(namespace, 'Latency', { ...canary, Extra: 'x' }, minute(0), 998);
      await s.put(namespace, 'Latency', canary, minute(0), 5);
      const [read] = await s.series.read([latency], { start, end: minute(1) });
      expect(read!.canary).toEqual([{ at: start.toISOString(), value: 5 }]);
    });

    it('a series without data in the window is empty, never zeros', async () => {
      await s.put(namespace, 'Latency', baseline, minute(0), 5);
      const [read] = await s.series.read([latency], { start, end: minute(5) });
      expect(read).toEqual({ metric: 'latency', canary: [], baseline: [{ at: start.toISOString(), value: 5 }] });
    });

    it('reads every pair of an analysis in one GetMetricData request, each under its own metric name', async () => {
      const errors: SeriesPair = {
        metric: 'errors',
        canary: ref(canary, 'Sum', 'Errors'),
        baseline: ref(baseline, 'Sum', 'Errors'),
      };
      await s.put(namespace, 'Latency', canary, minute(0), 100);
      await s.put(namespace, 'Errors', canary, minute(0), 3);
      await s.put(namespace, 'Errors', baseline, minute(0), 1);
      const before = s.requests();
      const read = await s.series.read([latency, errors], { start, end: minute(1) });
      expect(s.requests() - before).toBe(1);
      expect(read.map((r) => [r.metric, r.canary.map((p) => p.value), r.baseline.map((p) => p.value)])).toEqual([
        ['latency', [100], []],
        ['errors', [3], [1]],
      ]);
    });

    it.each([
      ['no metrics', () => [], () => ({ start, end: minute(1) }), /no metrics to read/],
      ['an empty window', () => [latency], () => ({ start, end: start }), /before it starts/],
      [
        'a window off minute boundaries',
        () => [latency],
        () => ({ start: minute(0, 30), end: minute(2) }),
        /minute boundaries/,
      ],
      ['repeated metric names', () => [latency, latency], () => ({ start, end: minute(1) }), /metric names repeat/],
    ])('refuses %s without reading', async (_what, pairs, window, message) => {
      const before = s.requests();
      const error = await s.series.read(pairs(), window()).catch((e: unknown) => e);
      expect(s.requests()).toBe(before);
      expect(error).toBeInstanceOf(SeriesError);
      expect((error as Error).message).toMatch(message);
    });
  });
}
