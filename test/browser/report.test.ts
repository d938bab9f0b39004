/**
 * The demo's report in a real browser: Debian's chromium, headless, driven by playwright-core.
 * The page is built from the four demo scenarios exactly as `report --scenario` builds it; the
 * assertions are what those scenarios imply (docs/report.md), checked on the drawn SVG marks and
 * the tables. A screenshot of each section is kept under test-artifacts/report/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport, defaultSources } from '../../functions/cli/commands/report';
import type { Decision } from '../../functions/ports/decision-log';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'report');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = ['demo.yml', 'demo-gates.yml', 'demo-rollback.yml', 'demo-operate.yml'].map((f) =>
  join(ROOT, 'test', 'scenarios', f),
);
// Generous: a state the page reaches, never a speed the test demands.
const STATE_BUDGET_MS = 90_000;

let browser: Browser | undefined;
let page: Page;
let records: Decision[];
const consoleProblems: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  const built = await buildReport(
    { scenario: DEMO, title: 'Demo decision report' },
    { ...defaultSources, now: () => new Date('2026-11-23T06:00:00Z') },
  );
  records = built.records;
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, 'demo-report.html');
  writeFileSync(file, built.html);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction('document.body.dataset.charts !== undefined', null, { timeout: STATE_BUDGET_MS });
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

  it('has the five sections, in order', async () => {
    expect(await page.locator('main > section > h2').allTextContents()).toEqual([
      'Overview',
      'Retraining',
      'Gates',
      'Rollbacks',
      'Every decision',
    ]);
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

  it('lists each rollback episode per binding with its steps', async () => {
    const rows = await page.locator('#rollback-incidents tbody tr').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.startsWith('ranking-live'))).toMatch(/endpoint endpoint:ranking-live:\s*UPDATED/);
    expect(rows.find((r) => r.includes('churn-model-errors'))).toMatch(/STOPPED/);
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
    for (const id of ['overview', 'retraining', 'gates', 'rollbacks', 'decisions']) {
      const path = join(ARTIFACTS, `${id}.png`);
      await page.locator(`#${id}`).screenshot({ path });
      expect(existsSync(path)).toBe(true);
    }
  });
});
