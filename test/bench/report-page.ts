/**
 * `npm run bench:report`: how long `renderReport` takes for 10,000 decisions and how large the
 * page is, then how long chromium takes to draw it (when /usr/bin/chromium is there). A
 * measurement, not an assertion: docs/report.md quotes its output. `-- --count N` for another size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readChartLibraries } from '../../functions/cli/report-libraries';
import type { Decision } from '../../functions/ports/decision-log';
import { renderReport } from '../../functions/report/index';
import { repoRoot } from './bundles';

const countFlag = process.argv.indexOf('--count');
const COUNT = countFlag > 0 ? Number(process.argv[countFlag + 1]) : 10_000;
const RUNS = 5;

/** A seeded mix shaped like a month of a busy account: batches and starts, gates, rollbacks. */
export function generatedDecisions(count: number, seed = 42): Decision[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const start = Date.parse('2026-10-01T00:00:00.000Z');
  const spanMs = 30 * 86_400_000;
  const rules = ['churn', 'ranking', 'fraud', 'ltv', 'search'];
  const seqs = new Map<string, number>();
  const versions = new Map<string, number>();
  const out: Decision[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(start + Math.floor((i / count) * spanMs)).toISOString();
    const pick = random();
    const rule = rules[Math.floor(random() * rules.length)]!;
    if (pick < 0.55) {
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
    } else if (pick < 0.85) {
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
