/** The MetricReports port's contract: S3 on moto and the embedded store judge reports alike. */
import { contentDigest } from '../../functions/adapters/aws/metric-reports';
import { ReportError, type MetricReports } from '../../functions/ports/metric-reports';

export interface MetricReportsSubject {
  reports: MetricReports;
  bucket: string;
  seed(key: string, body: string): Promise<void>;
}

export function describeMetricReportsContract(name: string, makeSubject: () => Promise<MetricReportsSubject>): void {
  describe(`MetricReports contract: ${name}`, () => {
    let s: MetricReportsSubject;
    const uri = (key: string) => `s3://${s.bucket}/${key}`;
    const failure = (key: string, options = { maxBytes: 1024 }) =>
      s.reports.readJson(uri(key), options).catch((e: unknown) => e);
    beforeEach(async () => {
      s = await makeSubject();
    });

    it('reads a JSON report', async () => {
      await s.seed('eval.json', '{"regression_metrics":{"mse":{"value":12.5}}}');
      await expect(s.reports.readJson(uri('eval.json'), { maxBytes: 1024 })).resolves.toEqual({
        regression_metrics: { mse: { value: 12.5 } },
      });
    });

    it('a missing report is NODATA', async () => {
      expect(await failure('missing.json')).toMatchObject({
        status: 'NODATA',
        message: expect.stringContaining('does not exist'),
      });
    });

    it.each([
      ['malformed JSON', '{"a": ', /is not valid JSON/],
      ['a NaN literal (not JSON)', '{"auc": NaN}', /is not valid JSON/],
      ['an empty object', '', /is not valid JSON/],
    ])('%s is an ERROR', async (_name, body, message) => {
      await s.seed('bad.json', body);
      const error = await failure('bad.json');
      expect(error).toBeInstanceOf(ReportError);
      expect(error).toMatchObject({ status: 'ERROR', message: expect.stringMatching(message) });
    });

    it('a report over the size limit is an ERROR and is not parsed', async () => {
      await s.seed('big.json', JSON.stringify({ pad: 'x'.repeat(5000) }));
      expect(await failure('big.json', { maxBytes: 1000 })).toMatchObject({
        status: 'ERROR',
        message: expect.stringMatching(/is 5010 bytes, over the 1000-byte limit/),
      });
    });

    it('a report exactly at the size limit is read', async () => {
      const body = JSON.stringify({ pad: 'x'.repeat(90) });
      await s.seed('edge.json', body);
      await expect(s.reports.readJson(uri('edge.json'), { maxBytes: body.length })).resolves.toEqual(JSON.parse(body));
    });

    it('checks a declared ContentDigest', async () => {
      const body = '{"auc":0.9}';
      await s.seed('pinned.json', body);
      const digest = contentDigest(new TextEncoder().encode(body));
      await expect(s.reports.readJson(uri('pinned.json'), { maxBytes: 100, contentDigest: digest })).resolves.toEqual({
        auc: 0.9,
      });
      const wrong = `sha256:${'0'.repeat(64)}`;
      expect(await failure('pinned.json', { maxBytes: 100, contentDigest: wrong } as never)).toMatchObject({
        status: 'ERROR',
        message: expect.stringContaining('does not match its declared ContentDigest'),
      });
    });

    it('refuses a URI that is not s3://', async () => {
      await expect(s.reports.readJson('https://example.com/x.json', { maxBytes: 10 })).rejects.toMatchObject({
        status: 'ERROR',
      });
    });
  });
}
