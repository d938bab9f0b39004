/**
 * The demo's report in a real browser: Debian's chromium, headless, driven by playwright-core.
 * The page is built from the five demo chapters exactly as `report --scenario` builds it; the
 * assertions are what those scenarios imply (docs/report.md), checked on the drawn SVG marks and
 * the tables. A screenshot of each section is kept under test-artifacts/report/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Decision } from '../../functions/ports/decision-log';
import { launchChromium, openReport, ROOT, SECTIONS, watchPage, writeDemoReport } from '../support/demo-report';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'report');

let browser: Browser | undefined;
let page: Page;
let records: Decision[];
let consoleProblems: string[];
let requests: string[];

beforeAll(async () => {
  const built = await writeDemoReport(ARTIFACTS);
  records = built.records;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  ({ consoleProblems, requests } = watchPage(page));
  await openReport(page, built.file);
});

afterAll(async () => {
  await browser?.close();
});

const count = (selector: string) => page.locator(selector).count();

describe('the demo report in chromium', () => {
  it('draws every chart, with no console error or warning', async () => {
    expect(await page.evaluate('document.body.dataset.charts')).toBe('ready');
    expect(consoleProblems).toEqual([]);
  });

  it('makes no network request: the only request is the file itself', () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('has the six sections, in order', async () => {
    expect(await page.locator('main > section > h2').allTextContents()).toEqual(SECTIONS.map(([, title]) => title));
  });

  it('counts every record in the overview bars, and shades the kill switch and observe spans', async () => {
    const labels = await page
      .locator('#chart-overview path[aria-roledescription="bar"]')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
    const total = labels.reduce((sum, l) => sum + Number(/decisions: (\d+)/.exec(l)?.[1] ?? 0), 0);
    expect(total).toBe(records.length);
    const shaded = await page
      .locator('#chart-overview path[aria-roledescription="rect mark"]')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
    expect(shaded).toEqual([
      expect.stringContaining('paused by alice: incident 42'),
      expect.stringContaining('observe (hooks[0].mode)'),
    ]);
  });

  it("shows churn's quarantined batch with the renamed column, and ranking's deferral", async () => {
    const churn = page.locator('#batches-churn tbody tr');
    expect(await churn.count()).toBe(4);
    await expect(churn.nth(1).textContent()).resolves.toMatch(/QUARANTINED.*missing columns monthly_charges/s);
    const ranking = page.locator('#batches-ranking tbody tr');
    await expect(ranking.nth(1).textContent()).resolves.toContain('batch 0 is still running');
    // One bar per batch with recorded objects: churn 0, 1, 2; the alarm's start has no batch.
    expect(await count('#chart-retraining-churn path[aria-roledescription="bar"]')).toBe(3);
    // The daily cap the start records state (churn: 4) is drawn as a tick.
    await expect(
      page.locator('#chart-starts-churn path[aria-roledescription="tick"]').first().getAttribute('aria-label'),
    ).resolves.toContain('daily cap: 4');
  });

  it('plots each judged churn-models version per metric, v3 as rejected and v4 (no data) not at all', async () => {
    const values = await page
      .locator('#chart-gates-churn-models path[aria-roledescription="version value"]')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
    // Verdicts with metric values: v1, v2, v3, v5, v6 (registry), v6 (pipeline), v8, v9, three metrics each.
    const expected = records
      .filter((d) => ['APPROVE', 'REJECT', 'HOLD'].includes(d.outcome) && Array.isArray(d.inputs.checks))
      .flatMap((d) => (d.inputs.checks as { value: unknown }[]).filter((c) => typeof c.value === 'number')).length;
    expect(expected).toBe(24);
    expect(values).toHaveLength(expected);
    expect(await count('#chart-gates-churn-models path[aria-roledescription="champion value"]')).toBeGreaterThan(0);
    expect(values.some((l) => l.includes('version: v3;') && l.includes('outcome: REJECT'))).toBe(true);
    expect(values.some((l) => l.startsWith('version: v4;'))).toBe(false);
    const rows = page.locator('#gates-churn-models tbody tr');
    await expect(rows.filter({ hasText: 'NODATA' }).count()).resolves.toBe(1);
  });

  it('lists each rollback episode per binding with its steps, the canary judgment’s among them', async () => {
    const rows = await page.locator('#rollback-incidents tbody tr').allTextContents();
    // The four of the rollback and operating chapters, then the canary chapter's judgment FAIL and late alarm.
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.startsWith('ranking-live'))).toMatch(/endpoint endpoint:ranking-live:\s*UPDATED/);
    expect(rows.find((r) => r.includes('churn-model-errors'))).toMatch(/STOPPED/);
    expect(rows.find((r) => r.includes('judgment churn-canary'))).toMatch(/STOPPED.*package churn-models:\s*REJECTED/s);
    expect(rows.find((r) => r.includes('churn-latency-high'))).toMatch(/NOTHING_TO_ROLL_BACK/);
  });

  describe('canary judgments', () => {
    const judged = (analysis: string) =>
      records.filter((d) => d.kind === 'analysis.judgment' && d.subject.startsWith(`${analysis}/`));
    const labels = (selector: string) =>
      page.locator(selector).evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));
    const chart = (app: string) => `#chart-judgments-codedeploy-${app}-app-${app}-live`;

    it('has one part per deployment group, each naming its analysis and rollback binding', async () => {
      expect(await page.locator('#judgments h3').allTextContents()).toEqual([
        'codedeploy churn-app/churn-live',
        'codedeploy fraud-app/fraud-live',
        'codedeploy pricing-app/pricing-live',
      ]);
      await expect(page.locator('#judgments p.note').first().textContent()).resolves.toBe(
        'analysis churn-canary · rollback binding churn-live',
      );
    });

    it("marks churn's verdicts over time (NODATA, PASS, FAIL) and its scores against pass 95 and marginal 75", async () => {
      const verdicts = (await labels(`${chart('churn')} path[aria-roledescription="judgment"]`)).map(
        (l) => /verdict: (\w+)/.exec(l)?.[1],
      );
      expect(verdicts).toEqual(['NODATA', 'PASS', 'FAIL']);
      expect(judged('churn-canary').map((d) => d.inputs.verdict)).toEqual(verdicts);
      // NODATA is never placed on the score axis: the PASS (100) and the FAIL (0) are.
      const scores = await labels(`${chart('churn')} path[aria-roledescription="judgment score"]`);
      expect(scores.map((l) => /score: (\d+)/.exec(l)?.[1])).toEqual(['100', '0']);
      expect(await labels(`${chart('churn')} line[aria-roledescription="pass threshold"]`)).toEqual([
        expect.stringContaining('value: 95'),
      ]);
      expect(await labels(`${chart('churn')} line[aria-roledescription="marginal threshold"]`)).toEqual([
        expect.stringContaining('value: 75'),
      ]);
    });

    it("plots churn's latency effect against the 10 % allowed: within it at 09:10, over it at 09:15", async () => {
      const effects = await labels(`${chart('churn')} path[aria-roledescription="metric effect"]`);
      const recorded = judged('churn-canary')
        .map((d) => (d.inputs.metrics as { change?: number }[])[0]!.change)
        .filter((c): c is number => typeof c === 'number');
      expect(recorded).toHaveLength(2);
      expect(effects).toHaveLength(2);
      expect(effects[0]).toMatch(/verdict: PASS/);
      expect(effects[1]).toMatch(/verdict: FAIL/);
      expect(recorded[0]).toBeLessThan(10);
      expect(recorded[1]).toBeGreaterThan(10);
      expect(await labels(`${chart('churn')} line[aria-roledescription="allowed change"]`)).toEqual([
        expect.stringContaining('value: 10'),
      ]);
    });

    it("lists each judgment with its numbers and action: churn's FAIL stopped the deployment and rejected package 4", async () => {
      const rows = page.locator('#judgments-codedeploy-churn-app-churn-live tbody tr');
      expect(await rows.count()).toBe(judged('churn-canary').length);
      const fail = await rows.nth(2).textContent();
      expect(fail).toMatch(/FAIL/);
      expect(fail).toContain('points: canary 15, baseline 15');
      expect(fail).toContain('U=212');
      expect(fail).toContain('p=2.01e-5 < α 0.05 (canary greater)');
      expect(fail).toContain('(+12.91%) vs allowed 10%');
      expect(fail).toContain('rolling back as an alarm on binding churn-live would');
      expect(fail).toMatch(
        /codedeploy churn-live\/codedeploy:churn-app\/churn-live:\s*STOPPED \(codedeploy StopDeployment d-CANARY001\)/,
      );
      expect(fail).toMatch(/package churn-live\/churn-models:\s*REJECTED/);
    });

    it('passes the noisy fraud canary at every judged interval and leaves the starved pricing canary NODATA', async () => {
      const fraud = judged('fraud-canary');
      expect(fraud.map((d) => d.inputs.verdict)).toEqual(['NODATA', 'PASS', 'PASS', 'PASS', 'PASS']);
      expect(await count(`${chart('fraud')} path[aria-roledescription="judgment score"]`)).toBe(4);
      const pricing = judged('pricing-canary');
      expect(pricing.length).toBeGreaterThan(0);
      expect(pricing.every((d) => d.outcome === 'NODATA')).toBe(true);
      expect(await count(`${chart('pricing')} path[aria-roledescription="judgment"]`)).toBe(pricing.length);
      expect(await count(`${chart('pricing')} path[aria-roledescription="judgment score"]`)).toBe(0);
      const rows = await page.locator('#judgments-codedeploy-pricing-app-pricing-live tbody tr').allTextContents();
      expect(rows).toHaveLength(pricing.length);
      expect(rows.every((r) => /NODATA.*not tested \(too few points\).*nothing changes/s.test(r))).toBe(true);
      await expect(
        page.locator('#judgments p.missing', { hasText: `${pricing.length} NODATA judgment(s)` }).count(),
      ).resolves.toBe(1);
    });
  });

  it('has one row per decision, filterable by outcome and text', async () => {
    expect(await count('#decisions-table tbody tr')).toBe(records.length);
    await page.selectOption('#filter-outcome', 'REJECT');
    const rejected = records.filter((d) => d.outcome === 'REJECT').length;
    await expect(page.locator('#filter-count').textContent()).resolves.toBe(
      `${rejected} of ${records.length} decisions shown`,
    );
    expect(await count('#decisions-table tbody tr:not([hidden])')).toBe(rejected);
    await page.selectOption('#filter-outcome', '');
    await page.fill('#filter-text', 'monthly_cost');
    expect(await count('#decisions-table tbody tr:not([hidden])')).toBe(1);
    await page.fill('#filter-text', '');
  });

  it('keeps a screenshot of each section', async () => {
    for (const [id] of SECTIONS) {
      const path = join(ARTIFACTS, `${id}.png`);
      await page.locator(`#${id}`).screenshot({ path });
      expect(existsSync(path)).toBe(true);
    }
  });
});
