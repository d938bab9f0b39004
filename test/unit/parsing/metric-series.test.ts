import { parseCsvSeries, parseMetricDataJson, parseSeriesFile } from '../../../functions/parsing/metric-series';

const t0 = Date.parse('2026-12-01T12:00:00Z');

describe('parseCsvSeries', () => {
  it('reads timestamp,value lines after an optional header, ISO 8601 or epoch seconds', () => {
    const text = 'timestamp,value\n2026-12-01T12:00:00Z,1.5\n1796126460,2\n\n"2026-12-01T12:02:00+00:00","3e1"\n';
    expect(parseCsvSeries(text, 'a.csv')).toEqual({
      series: [
        {
          names: [],
          points: [
            { time: t0, value: 1.5 },
            { time: t0 + 60_000, value: 2 },
            { time: t0 + 120_000, value: 30 },
          ],
        },
      ],
      warnings: [],
    });
  });

  it('skips timestamps without a value and says how many', () => {
    const parsed = parseCsvSeries('2026-12-01T12:00:00Z,\n2026-12-01T12:01:00Z,4\n', 'a.csv');
    expect(parsed.series[0]!.points).toEqual([{ time: t0 + 60_000, value: 4 }]);
    expect(parsed.warnings).toEqual(['a.csv: 1 timestamps without a value (minutes without data) skipped']);
  });

  it.each([
    ['2026-12-01T12:00:00Z,1,extra', 'a.csv: line 1: expected "timestamp,value", found 3 fields'],
    [
      '2026-12-01T12:00:00Z,1\nyesterday,2',
      'a.csv: line 2: "yesterday" is not a timestamp (ISO 8601 or epoch seconds)',
    ],
    ['2026-12-01T12:00:00Z,fast', 'a.csv: line 1: "fast" is not a number'],
    [
      '2026-12-01T12:00:00Z,1\ntimestamp,value',
      'a.csv: line 2: "timestamp" is not a timestamp (ISO 8601 or epoch seconds)',
    ],
  ])('refuses %j naming the line', (text, message) => {
    expect(() => parseCsvSeries(text, 'a.csv')).toThrow(message);
  });
});

describe('parseMetricDataJson', () => {
  const result = (fields: Record<string, unknown>) => ({
    Id: 'm0',
    Label: 'latency',
    Timestamps: ['2026-12-01T12:01:00+00:00', '2026-12-01T12:00:00+00:00'],
    Values: [12, 10],
    StatusCode: 'Complete',
    ...fields,
  });

  it('reads every MetricDataResults entry with its Label and Id as names', () => {
    const doc = { MetricDataResults: [result({}), result({ Id: 'm1', Label: 'm1', Values: [1, 2] })], Messages: [] };
    expect(parseMetricDataJson(JSON.stringify(doc), 'c.json')).toEqual({
      series: [
        {
          names: ['latency', 'm0'],
          points: [
            { time: t0 + 60_000, value: 12 },
            { time: t0, value: 10 },
          ],
        },
        {
          names: ['m1'],
          points: [
            { time: t0 + 60_000, value: 1 },
            { time: t0, value: 2 },
          ],
        },
      ],
      warnings: [],
    });
  });

  it('warns about a partial answer: a NextToken, or a StatusCode other than Complete', () => {
    const doc = { MetricDataResults: [result({ StatusCode: 'PartialData' })], NextToken: 'abc' };
    expect(parseMetricDataJson(JSON.stringify(doc), 'c.json').warnings).toEqual([
      'c.json: has a NextToken: this is one page of a longer answer, later points are missing',
      'c.json: MetricDataResults[0]: StatusCode PartialData: CloudWatch did not return every point',
    ]);
  });

  it.each([
    ['{', /^c\.json: not valid JSON: /],
    ['{"Datapoints": []}', 'c.json: no MetricDataResults list (expected the output of aws cloudwatch get-metric-data)'],
    [
      JSON.stringify({ MetricDataResults: [{ Id: 'm0' }] }),
      'c.json: MetricDataResults[0]: needs Timestamps and Values lists',
    ],
    [
      JSON.stringify({ MetricDataResults: [result({ Values: [1] })] }),
      'c.json: MetricDataResults[0]: 2 Timestamps but 1 Values (they pair up one to one)',
    ],
    [
      JSON.stringify({ MetricDataResults: [result({ Values: [1, 'x'] })] }),
      'c.json: MetricDataResults[0].Values[1]: "x" is not a number',
    ],
    [
      JSON.stringify({ MetricDataResults: [result({ Timestamps: ['now', '2026-12-01T12:00:00Z'] })] }),
      'c.json: MetricDataResults[0].Timestamps[0]: "now" is not a timestamp',
    ],
  ])('refuses %s naming the field', (text, message) => {
    expect(() => parseMetricDataJson(text, 'c.json')).toThrow(message);
  });
});

describe('parseSeriesFile', () => {
  it('reads a JSON object as get-metric-data output and anything else as CSV', () => {
    expect(parseSeriesFile('  {"MetricDataResults": []}', 'x').series).toEqual([]);
    expect(parseSeriesFile('2026-12-01T12:00:00Z,1', 'x').series[0]!.points).toHaveLength(1);
  });
});
