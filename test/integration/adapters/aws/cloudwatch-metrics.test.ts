import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetricSeries } from '../../../../functions/adapters/aws/cloudwatch-metrics';
import { AwsCallError } from '../../../../functions/domain/errors';
import { SeriesError } from '../../../../functions/ports/metric-series';
import { awsClientConfig } from '../../../support/aws';
import { countCalls } from '../../../support/call-counter';
import { describeMetricSeriesContract } from '../../../contract/metric-series.contract';

const client = new CloudWatchClient(awsClientConfig());
const counted = countCalls(client);
afterAll(() => client.destroy());

describeMetricSeriesContract('cloudwatch (moto)', async () => ({
  series: new CloudWatchMetricSeries(client),
  requests: () => counted.calls.filter((c) => c === 'CloudWatch.GetMetricData').length,
  put: async (namespace, metricName, dimensions, at, value) => {
    await client.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [
          {
            MetricName: metricName,
            Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            Timestamp: at,
            Value: value,
          },
        ],
      }),
    );
  },
}));

// moto answers every GetMetricData in one page with every series Complete: paging and refused
// series are CloudWatch behaviours it does not produce, so these run against a stubbed client.
describe('CloudWatchMetricSeries beyond moto', () => {
  const stubbed = new CloudWatchClient(awsClientConfig());
  const mock = mockClient(stubbed);
  afterAll(() => mock.restore());
  beforeEach(() => mock.reset());
  const start = new Date('2026-12-04T10:00:00Z');
  const end = new Date('2026-12-04T10:05:00Z');
  const at = (minute: number) => new Date(start.getTime() + minute * 60_000);
  const ref = (version: string) => ({
    namespace: 'AWS/Lambda',
    metricName: 'Duration',
    dimensions: { FunctionName: 'churn', Resource: 'churn:live', ExecutedVersion: version },
    statistic: 'p99',
  });
  const pair = { metric: 'latency', canary: ref('8'), baseline: ref('7') };

  it('follows NextToken and merges every page of one request by query id', async () => {
    mock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'c0', Timestamps: [at(0), at(1)], Values: [10, 11], StatusCode: 'PartialData' },
          { Id: 'b0', Timestamps: [at(0)], Values: [5], StatusCode: 'PartialData' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'c0', Timestamps: [at(2)], Values: [12], StatusCode: 'Complete' },
          { Id: 'b0', Timestamps: [at(1), at(2)], Values: [6, 7], StatusCode: 'Complete' },
        ],
      });
    const [read] = await new CloudWatchMetricSeries(stubbed).read([pair], { start, end });
    expect(read!.canary.map((p) => p.value)).toEqual([10, 11, 12]);
    expect(read!.baseline.map((p) => [p.at, p.value])).toEqual([
      [at(0).toISOString(), 5],
      [at(1).toISOString(), 6],
      [at(2).toISOString(), 7],
    ]);
    const calls = mock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ NextToken: 'page-2', StartTime: start, EndTime: end });
    expect(calls[0]!.MetricDataQueries).toEqual([
      {
        Id: 'c0',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Lambda',
            MetricName: 'Duration',
            Dimensions: [
              { Name: 'FunctionName', Value: 'churn' },
              { Name: 'Resource', Value: 'churn:live' },
              { Name: 'ExecutedVersion', Value: '8' },
            ],
          },
          Period: 60,
          Stat: 'p99',
        },
        ReturnData: true,
      },
      expect.objectContaining({ Id: 'b0' }),
    ]);
  });

  it('a series CloudWatch refuses (Forbidden) is a SeriesError naming it, not a retry', async () => {
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'c0', Timestamps: [], Values: [], StatusCode: 'Complete' },
        {
          Id: 'b0',
          Timestamps: [],
          Values: [],
          StatusCode: 'Forbidden',
          Messages: [{ Code: 'Forbidden', Value: 'no access' }],
        },
      ],
    });
    const error = await new CloudWatchMetricSeries(stubbed).read([pair], { start, end }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeriesError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('latency (baseline)') });
  });

  it('an internal error on a series is a retryable AwsCallError', async () => {
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'c0', Timestamps: [], Values: [], StatusCode: 'InternalError' }],
    });
    await expect(new CloudWatchMetricSeries(stubbed).read([pair], { start, end })).rejects.toMatchObject({
      name: 'AwsCallError',
      retryable: true,
    });
  });

  it('a failed call is a retryable AwsCallError', async () => {
    mock.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(new CloudWatchMetricSeries(stubbed).read([pair], { start, end })).rejects.toBeInstanceOf(AwsCallError);
  });
});
