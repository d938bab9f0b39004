import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { AwsCallError } from '../../domain/errors';
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

/**
 * A runaway NextToken chain (a service fault) must not keep the function until its timeout: a
 * judgment window of a day at 1-minute periods is 1,440 points per series, far below one page
 * (100,800 datapoints per request), so more pages than this mean something is wrong.
 */
const MAX_PAGES = 20;

// GetMetricData ids: a lowercase letter first, then letters, digits and "_".
const canaryId = (i: number) => `c${i}`;
const baselineId = (i: number) => `b${i}`;

function query(id: string, m: MetricRef): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: m.namespace,
        MetricName: m.metricName,
        Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: PERIOD_SECONDS,
      Stat: m.statistic,
    },
    ReturnData: true,
  };
}

/** The series of all pairs in one GetMetricData request; its pages are merged by query id. */
export class CloudWatchMetricSeries implements MetricSeries {
  constructor(private readonly client: CloudWatchClient) {}

  async read(pairs: readonly SeriesPair[], window: SeriesWindow): Promise<PairedSeries[]> {
    const problem = requestProblem(pairs, window);
    if (problem) throw new SeriesError(`cannot read metric series: ${problem}`);
    const queries = pairs.flatMap((p, i) => [query(canaryId(i), p.canary), query(baselineId(i), p.baseline)]);
    const points = new Map<string, SeriesPoint[]>(queries.map((q) => [q.Id!, []]));
    const status = new Map<string, MetricDataResult>();
    let token: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_PAGES)
        throw new AwsCallError('cloudwatch', 'GetMetricData', new Error(`still paging after ${MAX_PAGES} pages`));
      let out;
      try {
        out = await this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: window.start,
            EndTime: window.end,
            ScanBy: 'TimestampAscending',
            ...(token ? { NextToken: token } : {}),
          }),
        );
      } catch (error) {
        throw new AwsCallError('cloudwatch', 'GetMetricData', error);
      }
      for (const r of out.MetricDataResults ?? []) {
        const into = r.Id ? points.get(r.Id) : undefined;
        if (!into) continue;
        status.set(r.Id!, r);
        const times = r.Timestamps ?? [];
        const values = r.Values ?? [];
        times.forEach((t, k) => {
          const v = values[k];
          if (typeof v === 'number' && Number.isFinite(v)) into.push({ at: new Date(t).toISOString(), value: v });
        });
      }
      token = out.NextToken;
    } while (token);
    for (const [id, r] of status) {
      const why = (r.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
      if (r.StatusCode === 'Forbidden')
        throw new SeriesError(`CloudWatch refused series ${describe(pairs, id)}${why ? ` (${why})` : ''}`);
      if (r.StatusCode === 'InternalError')
        throw new AwsCallError(
          'cloudwatch',
          'GetMetricData',
          new Error(`internal error on series ${describe(pairs, id)}${why ? ` (${why})` : ''}`),
        );
    }
    return pairs.map((p, i) => ({
      metric: p.metric,
      canary: ascending(points.get(canaryId(i))!),
      baseline: ascending(points.get(baselineId(i))!),
    }));
  }
}

function describe(pairs: readonly SeriesPair[], id: string): string {
  const pair = pairs[Number(id.slice(1))];
  return `${pair?.metric ?? id} (${id.startsWith('c') ? 'canary' : 'baseline'})`;
}

const ascending = (points: SeriesPoint[]) => points.sort((a, b) => a.at.localeCompare(b.at));
