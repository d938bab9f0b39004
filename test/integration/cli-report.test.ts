/**
 * `mlops-controller report --table` against a real state table in moto: canary judgments committed
 * through the DynamoDB decision log as the rollback tick commits them (the domain's judgment,
 * judgmentInputs, a claim per interval), the rollback step a FAIL started, and records of other
 * kinds, across three UTC day partitions, some outside the --since/--until window. The CLI runs
 * as a process (the built bin, its endpoint from AWS_ENDPOINT_URL); the test reads the page's HTML
 * and its embedded chart data, and holds them to the records read back from the table. The
 * browser test covers how the page draws.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { judge } from '../../functions/domain/canary';
import { criteriaOf, outcomeOf } from '../../functions/domain/judgment';
import type { Decision } from '../../functions/ports/decision-log';
import { judgmentInputs } from '../../functions/workflows/rollback/judge';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { latencyMetric } from '../support/canary-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const table = uniqueName('cli-report');
let dir: string;

const policy = validatePolicy({
  ...policyInput([]),
  rollback: [
    {
      name: 'churn-live',
      alarms: { names: ['churn-errors'] },
      codedeploy: { application: 'churn-app', deploymentGroup: 'live' },
    },
  ],
  analysis: [
    {
      name: 'churn-canary',
      target: { codedeploy: { application: 'churn-app', deploymentGroup: 'live' } },
      thresholds: { pass: 90, marginal: 70 },
      metrics: [latencyMetric],
    },
  ],
});
const entry = policy.analysis[0]!;

/** Fifteen one-minute points around `level`, with the spread of a steady series. */
const series = (level: number) => Array.from({ length: 15 }, (_, i) => level + ((i * 7) % 5) - 2);

/** A judgment of the interval ending `end`, as judge.ts builds it: the domain's verdict, the workflow's inputs. */
function judgment(end: string, canaryLevel: number): Decision {
  const j = judge(criteriaOf(entry), entry.thresholds, {
    latency: { canary: series(canaryLevel), baseline: series(100) },
  });
  const action = j.verdict === 'FAIL' ? 'rolling back as an alarm on binding churn-live would' : 'the canary continues';
  return {
    kind: 'analysis.judgment',
    subject: 'churn-canary/d-7',
    outcome: outcomeOf[j.verdict],
    reasons: [j.reason, ...j.metrics.map((m) => m.reason), action],
    inputs: judgmentInputs(entry, 'd-7', { start: new Date(Date.parse(end) - 15 * 60_000), end: new Date(end) }, j, {
      via: 'tick',
      action,
      binding: 'churn-live',
    }),
    at: end,
  };
}

const SINCE = '2026-11-22T00:00:00Z';
const UNTIL = '2026-11-24T12:00:00Z';
/** Inside the window: three days, three judgments, the FAIL's rollback step, one gate. */
const WITHIN = ['2026-11-22T23:55:00.000Z', '2026-11-23T00:05:00.000Z', '2026-11-24T11:55:00.000Z'];
const FAIL_AT = WITHIN[1]!;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  let now = new Date(SINCE);
  const log = new DynamoDecisionLog(dynamo, table, { clock: { now: () => now, sleep: async () => {} } });
  const commit = async (d: Decision) => {
    now = new Date(d.at);
    // The claim of the interval, as the tick takes it.
    const key = `JUDGE#churn-canary#d-7#${d.at}`;
    const committed = await log.commit(d, { key, ttlSeconds: 600 }, []);
    if (!committed) throw new Error(`${key} was claimed already`);
    await committed.done();
  };
  // Before --since and after --until: left out.
  await commit(judgment('2026-11-21T23:55:00.000Z', 130));
  await commit(judgment('2026-11-24T12:05:00.000Z', 130));
  await commit(judgment(WITHIN[0]!, 100));
  await commit(judgment(FAIL_AT, 130));
  await log.record({
    kind: 'rollback.codedeploy',
    subject: 'churn-live/codedeploy:churn-app/live',
    outcome: 'STOPPED',
    reasons: [
      `canary judgment churn-canary FAIL over the interval ending ${FAIL_AT}`,
      'deployment d-7 in flight: stop it and let CodeDeploy roll back',
    ],
    inputs: { version: 'd-7', trigger: { via: 'judgment', alarm: 'churn-canary', since: FAIL_AT, ageSeconds: 0 } },
    at: FAIL_AT,
    actions: [{ service: 'codedeploy', operation: 'StopDeployment', target: 'd-7', status: 'taken' }],
  });
  await commit(judgment(WITHIN[2]!, 101));
  await log.record({
    kind: 'gate.registry',
    subject: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5',
    outcome: 'APPROVE',
    reasons: ['APPROVE: every check passed'],
    inputs: { checks: [{ metric: 'auc', status: 'PASS', value: 0.82, threshold: { min: 0.75 } }] },
    at: '2026-11-23T08:00:00.000Z',
  });
  dir = mkdtempSync(join(tmpdir(), 'cli-report-'));
});

afterAll(() => {
  dynamo.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI process, pointed at moto as the SDK points itself (AWS_ENDPOINT_URL). */
function report(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return spawnSync(process.execPath, ['functions/cli/bin.mjs', 'report', ...args], { env, encoding: 'utf8' });
}

interface ChartSpec {
  id: string;
  spec: Record<string, unknown>;
}

/** Every `data.values` array anywhere in a Vega-Lite spec (layers, concatenations). */
function dataValues(spec: unknown): Record<string, unknown>[][] {
  if (Array.isArray(spec)) return spec.flatMap(dataValues);
  if (spec === null || typeof spec !== 'object') return [];
  const o = spec as Record<string, unknown>;
  const own = Array.isArray((o.data as { values?: unknown } | undefined)?.values)
    ? [(o.data as { values: Record<string, unknown>[] }).values]
    : [];
  return [...own, ...Object.values(o).flatMap(dataValues)];
}

describe('mlops-controller report --table (DynamoDB on moto)', () => {
  let html: string;
  let charts: ChartSpec[];
  let stored: Decision[];

  beforeAll(async () => {
    const out = join(dir, 'report.html');
    const run = report('--table', table, '--since', SINCE, '--until', UNTIL, '--out', out);
    expect([run.status, run.status === 0 ? '' : run.stderr]).toEqual([0, '']);
    html = readFileSync(out, 'utf8');
    expect(run.stdout).toBe(`${out}: 5 decisions, ${Buffer.byteLength(html)} bytes\n`);
    charts = JSON.parse(/<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(html)![1]!);
    // What the table holds for the window, through the same adapter.
    stored = await new DynamoDecisionLog(dynamo, table).list({ since: SINCE, until: UNTIL });
  });

  it('reads the window across day partitions: the records before --since and after --until are left out', () => {
    expect(stored.map((d) => d.at)).toEqual([WITHIN[0], FAIL_AT, FAIL_AT, '2026-11-23T08:00:00.000Z', WITHIN[2]]);
    expect(html).toContain(`5 decision records from table ${table} (${SINCE} → ${UNTIL})`);
    expect(html.match(/<tr data-kind=/g)).toHaveLength(5);
    expect(html).not.toContain('2026-11-21 23:55');
    expect(html).not.toContain('2026-11-24 12:05');
  });

  it('has the six sections, the judgments among them', () => {
    expect([...html.matchAll(/<section id="([a-z]+)"><h2>([^<]+)<\/h2>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['overview', 'Overview'],
      ['retraining', 'Retraining'],
      ['gates', 'Gates'],
      ['judgments', 'Canary judgments'],
      ['rollbacks', 'Rollbacks'],
      ['decisions', 'Every decision'],
    ]);
    expect(html).toContain('No retraining decisions in this selection.');
  });

  it("charts each judgment's recorded verdict, score and thresholds, and each metric's recorded effect", () => {
    const judged = stored.filter((d) => d.kind === 'analysis.judgment');
    expect(judged.map((d) => d.inputs.verdict)).toEqual(['PASS', 'FAIL', 'PASS']);
    const chart = charts.find((c) => c.id === 'chart-judgments-codedeploy-churn-app-live')!;
    const values = dataValues(chart.spec);
    const strip = values.find((v) => v.length === 3 && 'verdict' in v[0]!)!;
    expect(strip.map((v) => [v.at, v.verdict, v.score, v.pass, v.marginal])).toEqual(
      judged.map((d) => [(d.inputs.window as { end: string }).end, d.inputs.verdict, d.inputs.score, 90, 70]),
    );
    const thresholds = values.filter((v) =>
      v.some((x) => x.what === 'pass threshold' || x.what === 'marginal threshold'),
    );
    expect(thresholds.flat().map((x) => [x.what, x.value])).toEqual([
      ['pass threshold', 90],
      ['marginal threshold', 70],
    ]);
    const effects = values.find((v) => v.some((x) => x.metric === 'latency'))!;
    const metrics = judged.map((d) => (d.inputs.metrics as Record<string, number>[])[0]!);
    expect(effects.map((e) => [e.verdict, e.change, e.u, e.pValue, e.allowed])).toEqual(
      metrics.map((m) => [m.verdict, m.change, m.u, m.pValue, 10]),
    );
  });

  it('lists the FAIL with its recorded numbers and the rollback step it started', () => {
    const table = /<table id="judgments-codedeploy-churn-app-live"[^>]*>(.*?)<\/table>/s.exec(html)![1]!;
    const rows = table.split('</tr>').filter((r) => r.includes('<td>'));
    expect(rows).toHaveLength(3);
    const fail = stored.find((d) => d.kind === 'analysis.judgment' && d.outcome === 'FAIL')!;
    const m = (fail.inputs.metrics as Record<string, number>[])[0]!;
    const row = rows[1]!;
    expect(row).toContain('<span class="outcome outcome-fail">FAIL</span>');
    expect(row).toContain(`points: canary ${m.nCanary}, baseline ${m.nBaseline}`);
    expect(row).toContain(`U=<span title="${m.u}">`);
    expect(row).toContain(`<span title="${m.pValue}">p=`);
    expect(row).toContain(`<span title="${m.shift}">`);
    expect(row).toContain('vs allowed 10%');
    expect(row).toContain(
      `<td class="num" title="${String(fail.inputs.score)}">${fail.inputs.score} (pass 90, marginal 70)</td>`,
    );
    expect(row).toMatch(
      /codedeploy churn-live\/codedeploy:churn-app\/live: <span class="outcome outcome-stopped">STOPPED<\/span> \(codedeploy StopDeployment d-7\)/,
    );
    // The step's episode, under Rollbacks, is the judgment's.
    expect(html).toMatch(/<td>churn-live<\/td><td>judgment churn-canary<\/td>/);
  });
});
