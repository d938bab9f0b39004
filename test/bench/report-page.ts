/**
 * `npm run bench:report`: how long `renderReport` takes for 10,000 decisions (canary judgments
 * among them, with the numbers the judgment workflow records) and how large the page is, then how long chromium takes to draw it (when /usr/bin/chromium is there). A
 * measurement, not an assertion: docs/report.md quotes its output. `-- --count N` for another size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readChartLibraries } from '../../functions/cli/report-libraries';
import type { Decision } from '../../functions/ports/decision-log';
import { renderReport } from '../../functions/report/index';
import { validatePolicy } from '../../functions/config/policy';
import { judge } from '../../functions/domain/canary';
import { criteriaOf, outcomeOf } from '../../functions/domain/judgment';
import { judgmentInputs } from '../../functions/workflows/rollback/judge';
import { latencyMetric } from '../support/canary-moto';
import { policyInput } from '../support/policies';
import { repoRoot } from './bundles';

const countFlag = process.argv.indexOf('--count');
const COUNT = countFlag > 0 ? Number(process.argv[countFlag + 1]) : 10_000;
const RUNS = 5;

const RULES = ['churn', 'ranking', 'fraud', 'ltv', 'search'];

/** One analysis per rule's Lambda group, two metrics each: what the judgments are made against. */
const ANALYSES = validatePolicy({
  ...policyInput([]),
  rollback: RULES.map((r) => ({
    name: `${r}-live`,
    alarms: { names: [`${r}-errors`] },
    codedeploy: { application: `${r}-app`, deploymentGroup: `${r}-live` },
  })),
  analysis: RULES.map((r) => ({
    name: `${r}-canary`,
    target: { codedeploy: { application: `${r}-app`, deploymentGroup: `${r}-live` } },
    metrics: [
      latencyMetric,
      { ...latencyMetric, name: 'errors', metricName: 'Errors', statistic: 'Sum', critical: false, minPoints: 5 },
    ],
  })),
}).analysis;

/** A judgment of 15 one-minute points a side, as the rollback tick records it (domain and inputs alike). */
function judgmentRecord(rule: string, at: string, deployment: number, random: () => number): Decision {
  const entry = ANALYSES.find((a) => a.name === `${rule}-canary`)!;
  const drift = random() * 0.3;
  const points = (level: number, spread: number) => Array.from({ length: 15 }, () => level + random() * spread);
  const j = judge(criteriaOf(entry), entry.thresholds, {
    latency: { canary: points(100 * (1 + drift), 10), baseline: points(100, 10) },
    errors: { canary: points(1 + drift * 4, 2), baseline: points(1, 2) },
  });
  const action =
    j.verdict === 'FAIL' ? `rolling back as an alarm on binding ${rule}-live would` : 'the canary continues';
  const end = new Date(at);
  return {
    kind: 'analysis.judgment',
    subject: `${entry.name}/d-${deployment}`,
    outcome: outcomeOf[j.verdict],
    reasons: [j.reason, ...j.metrics.map((m) => m.reason), action],
    inputs: judgmentInputs(entry, `d-${deployment}`, { start: new Date(end.getTime() - 15 * 60_000), end }, j, {
      via: 'tick',
      action,
      binding: `${rule}-live`,
    }),
    at,
  };
}

/** A seeded mix shaped like a month of a busy account: batches and starts, gates, canary judgments, rollbacks. */
export function generatedDecisions(count: number, seed = 42): Decision[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const start = Date.parse('2026-10-01T00:00:00.000Z');
  const spanMs = 30 * 86_400_000;
  const rules = RULES;
  const seqs = new Map<string, number>();
  const versions = new Map<string, number>();
  const out: Decision[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(start + Math.floor((i / count) * spanMs)).toISOString();
    const pick = random();
    const rule = rules[Math.floor(random() * rules.length)]!;
    if (pick < 0.5) {
      const seq = seqs.get(rule) ?? 0;
      const step = i % 3;
      if (step === 0)
        out.push({
          kind: 'retraining.batch',
          subject: `${rule}/${seq}`,
          outcome: 'CLOSED',
          reasons: [`${100 + (i % 400)} objects reached maxObjects 500`],
          inputs: {
            objects: 100 + (i % 400),
            bytes: 70_000 * (1 + (i % 9)),
            arrivals: { firstAt: at, runs: [], markers: [] },
          },
          at,
        });
      else if (step === 1)
        out.push({
          kind: random() < 0.2 ? 'retraining.defer' : 'retraining.start',
          subject: `${rule}/${seq}`,
          outcome: 'STARTED',
          reasons: ['guards clear (cooldown 600s, daily cap 24, exclusive true)'],
          inputs: { executionId: `execution-${i}` },
          at,
          actions: [
            { service: 'sagemaker', operation: 'StartPipelineExecution', target: `${rule}-training`, status: 'taken' },
          ],
        });
      else {
        out.push({
          kind: 'retraining.release',
          subject: `${rule}/${seq}`,
          outcome: 'Succeeded',
          reasons: ['ended'],
          inputs: {},
          at,
        });
        seqs.set(rule, seq + 1);
      }
    } else if (pick < 0.75) {
      const group = `${rule}-models`;
      const version = (versions.get(group) ?? 0) + 1;
      versions.set(group, version);
      const auc = 0.7 + random() * 0.2;
      const outcome = auc < 0.75 ? 'REJECT' : auc < 0.78 ? 'HOLD' : 'APPROVE';
      out.push({
        kind: 'gate.registry',
        subject: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`,
        outcome,
        reasons: [`${outcome} by gate ${rule}-quality`],
        inputs: {
          package: `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`,
          checks: [
            {
              metric: 'auc',
              status: auc < 0.75 ? 'FAIL' : 'PASS',
              value: Number(auc.toFixed(3)),
              champion: 0.8,
              threshold: { min: 0.75 },
            },
            {
              metric: 'f1',
              status: 'PASS',
              value: Number((auc - 0.1).toFixed(3)),
              champion: null,
              threshold: { min: 0.6 },
            },
          ],
        },
        at,
      });
    } else if (pick < 0.9) {
      // A new canary deployment of the rule about every twelve judgments.
      out.push(judgmentRecord(rule, at, Math.floor(i / 60), random));
    } else {
      const since = new Date(Date.parse(at) - 30_000).toISOString();
      out.push({
        kind: random() < 0.5 ? 'rollback.codedeploy' : 'rollback.freeze',
        subject: `${rule}-live/codedeploy:${rule}-app/${rule}-live`,
        outcome: 'STOPPED',
        reasons: [`alarm ${rule}-errors in ALARM since ${since}`],
        inputs: {},
        at,
        actions: [{ service: 'codedeploy', operation: 'StopDeployment', target: `d-${i}`, status: 'taken' }],
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const records = generatedDecisions(COUNT);
  const libraries = readChartLibraries();
  const times: number[] = [];
  let html = '';
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    html = renderReport(records, { libraries, source: 'generated decisions', generatedAt: new Date().toISOString() });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const libraryBytes = Object.values(libraries).reduce((s, l) => s + Buffer.byteLength(l), 0);
  const result: Record<string, unknown> = {
    decisions: COUNT,
    judgments: records.filter((d) => d.kind === 'analysis.judgment').length,
    buildMsMedian: Math.round(times[Math.floor(RUNS / 2)]!),
    buildMsRuns: times.map((t) => Math.round(t)),
    bytes: Buffer.byteLength(html),
    libraryBytes,
  };
  const outDir = join(repoRoot, 'bench');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `report-${COUNT}.html`);
  writeFileSync(file, html);
  if (existsSync('/usr/bin/chromium')) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = performance.now();
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction('document.body.dataset.charts !== undefined', null, { timeout: 300_000 });
      result.chromiumDrawMs = Math.round(performance.now() - t0);
      result.charts = await page.evaluate('document.body.dataset.charts');
    } finally {
      await browser.close();
    }
  }
  writeFileSync(join(outDir, `report-${COUNT}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

await main();
