/**
 * The demo's canary chapter (issue 14): judgment stops a drifting canary before the alarm on the
 * same series would fire, a noisy but equal canary passes, a starved one stays NODATA.
 */
import { simulate } from '../../../functions/cli/simulate';
import { loadScenario } from '../../../functions/cli/simulate-load';
import { seriesPoints } from '../../../functions/cli/simulate-metrics';

const FILE = 'test/scenarios/demo-canary.yml';
type Result = Awaited<ReturnType<typeof simulate>>;

const verdicts = (r: Result, analysis: string) =>
  r.decisions
    .filter((d) => d.kind === 'analysis.judgment' && d.subject.startsWith(`${analysis}/`))
    .map((d) => [d.at, d.outcome]);

/**
 * When CloudWatch would set an alarm "Average > threshold for `periods` 1-minute periods" on a
 * seeded series: the end of the first minute that completes `periods` breaching minutes in a row.
 */
function alarmTime(dimensionsVersion: string, fn: string, threshold: number, periods: number): string {
  const { scenario } = loadScenario(FILE);
  const start = Date.parse(scenario.start!);
  const seed = scenario.world.metrics.find(
    (m) => m.dimensions.FunctionName === fn && m.dimensions.ExecutedVersion === dimensionsVersion,
  )!;
  let run = 0;
  for (const p of seriesPoints(seed, start)) {
    run = p.value > threshold ? run + 1 : 0;
    if (run === periods) return new Date(Math.floor(p.at.getTime() / 60_000) * 60_000 + 60_000).toISOString();
  }
  throw new Error('the seeded series never breaches');
}

describe('simulate: the canary chapter', () => {
  let r: Result;
  beforeAll(async () => {
    r = await simulate(FILE);
  }, 60_000);

  it('the drifting canary passes while within the allowed change, then FAILs and is stopped and rejected', () => {
    expect(verdicts(r, 'churn-canary')).toEqual([
      ['2026-11-23T09:05:00.000Z', 'NODATA'],
      ['2026-11-23T09:10:00.000Z', 'PASS'],
      ['2026-11-23T09:15:00.000Z', 'FAIL'],
    ]);
    expect(r.actions.map((a) => [a.at, `${a.service}:${a.operation}`])).toEqual([
      ['2026-11-23T09:15:00.000Z', 'codedeploy:StopDeployment'],
      ['2026-11-23T09:15:00.000Z', 'sagemaker:UpdateModelPackage'],
    ]);
    expect(r.actions[1]!.input).toMatchObject({
      ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4',
      ModelApprovalStatus: 'Rejected',
    });
  });

  it('the alarm step is when the seeded series breaches the alarm, 14 minutes after the judgment stopped the canary', () => {
    const fired = alarmTime('4', 'churn-predict', 150, 3);
    const alarmed = r.decisions.find((d) => d.kind === 'rollback.codedeploy' && d.reasons[0]!.includes('alarm'));
    expect(alarmed?.at).toBe(fired);
    const stopped = r.actions.find((a) => a.operation === 'StopDeployment')!;
    expect((Date.parse(fired) - Date.parse(stopped.at!)) / 60_000).toBe(14);
  });

  it('the noisy but equal canary passes every judged interval', () => {
    expect(verdicts(r, 'fraud-canary').map(([, o]) => o)).toEqual(['NODATA', 'PASS', 'PASS', 'PASS', 'PASS']);
  });

  it('the starved canary is NODATA at every interval and nothing acts on it', () => {
    expect(verdicts(r, 'pricing-canary').map(([, o]) => o)).toEqual(Array(5).fill('NODATA'));
    expect(r.actions.filter((a) => JSON.stringify(a.input).includes('pricing'))).toEqual([]);
  });

  it('each judgment reads its series in one GetMetricData request', () => {
    const judgments = r.decisions.filter((d) => d.kind === 'analysis.judgment').length;
    expect(judgments).toBe(13);
    expect(r.metricRequests).toBe(judgments);
  });
});
