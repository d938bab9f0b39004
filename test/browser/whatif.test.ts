/**
 * `whatif --html` in a real browser: Debian's chromium, headless, driven by playwright-core (as
 * report.test.ts). The page is the demo's chapters that run under the example policy
 * (controller.yml) decided again under test/fixtures/whatif/stricter.yml, built exactly as
 * `whatif --scenario ... --html` builds it; the assertions are what that change implies
 * (docs/whatif.md), checked on the drawn SVG marks and the tables. A screenshot of the comparison
 * is kept under test-artifacts/whatif/; with WHATIF_SCREENSHOT=<file> (npm run docs:whatif) it is
 * also written there, for docs/images/whatif-comparison.png.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runWhatIf, whatIfPage, type WhatIfRun } from '../../functions/cli/commands/whatif';
import { launchChromium, openReport, ROOT, watchPage } from '../support/demo-report';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'whatif');
const CHAPTERS = ['demo.yml', 'demo-gates.yml', 'demo-operate.yml'].map((f) => join(ROOT, 'test', 'scenarios', f));
const POLICY = join(ROOT, 'test', 'fixtures', 'whatif', 'stricter.yml');

let browser: Browser | undefined;
let page: Page;
let run: WhatIfRun;
let consoleProblems: string[];
let requests: string[];

beforeAll(async () => {
  run = await runWhatIf({ policy: POLICY, scenario: CHAPTERS });
  const html = await whatIfPage(run, POLICY, new Date('2026-11-23T06:00:00Z'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, 'whatif.html');
  writeFileSync(file, html);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
  ({ consoleProblems, requests } = watchPage(page));
  await openReport(page, file);
});

afterAll(async () => {
  await browser?.close();
});

const count = (selector: string) => page.locator(selector).count();
const labels = (selector: string) =>
  page.locator(selector).evaluateAll((ps) => ps.map((p) => p.getAttribute('aria-label') ?? ''));

describe('the whatif comparison page in chromium', () => {
  it('draws every chart, with no console error or warning', async () => {
    expect(await page.evaluate('document.body.dataset.charts')).toBe('ready');
    expect(consoleProblems).toEqual([]);
  });

  it('makes no network request: the only request is the file itself', () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('has the sections in order', async () => {
    expect(await page.locator('main > section > h2').allTextContents()).toEqual([
      'Per kind',
      'Decisions that flip',
      'New batches',
      'Records lacking an input',
      'Gates, recorded and re-decided',
      'Retraining batches, recorded and re-decided',
    ]);
  });

  it('charts the counts before → after per kind: 6 → 9 closed batches, 1 → 3 registry rejections', async () => {
    const bars = await labels('#chart-whatif-counts path[aria-roledescription="bar"]');
    const sum = (kind: string, side: string, outcome: string) =>
      bars
        .filter(
          (l) => l.includes(`kind: ${kind};`) && l.includes(`side: ${side};`) && l.includes(`outcome: ${outcome};`),
        )
        .reduce((n, l) => n + Number(/count: (\d+)/.exec(l)?.[1] ?? 0), 0);
    expect(sum('retraining.batch', 'recorded', 'CLOSED')).toBe(6);
    expect(sum('retraining.batch', 'new policy', 'CLOSED')).toBe(9);
    expect(sum('gate.registry', 'recorded', 'REJECT')).toBe(1);
    expect(sum('gate.registry', 'new policy', 'REJECT')).toBe(3);
    expect(sum('gate.registry', 'new policy', 'APPROVE')).toBe(3);
    expect(sum('retraining.start', 'new policy', 'STARTED')).toBe(6);
    // The table has every kind, those whatif does not re-decide said so.
    await expect(
      page.locator('#whatif-counts-table tbody tr', { hasText: 'retraining.release' }).textContent(),
    ).resolves.toContain('not re-decided');
  });

  it('lists the five flips with both outcomes and reasons, filterable by the new outcome', async () => {
    const rows = page.locator('#whatif-flips-table tbody tr');
    expect(await rows.count()).toBe(5);
    const v1 = rows.filter({ hasText: 'churn-models/1' });
    await expect(v1.textContent()).resolves.toMatch(
      /APPROVE → REJECT.*auc=0\.83 PASS critical: ≥ min 0\.75.*auc=0\.83 FAIL critical: < min 0\.84/s,
    );
    await expect(
      rows.filter({ has: page.locator('td:nth-child(3)', { hasText: /^ranking\/0$/ }) }).textContent(),
    ).resolves.toContain('split in 3: 200 + 200 + 100 of its members');
    await page.selectOption('#flip-filter-after', 'REJECT');
    await expect(page.locator('#flip-filter-count').textContent()).resolves.toBe('2 of 5 flips shown');
    expect(await count('#whatif-flips-table tbody tr:not([hidden])')).toBe(2);
    await page.selectOption('#flip-filter-after', '');
    await page.fill('#flip-filter-text', 'reached maxObjects 5 (');
    expect(await count('#whatif-flips-table tbody tr:not([hidden])')).toBe(1);
    await page.fill('#flip-filter-text', '');
  });

  it('lists the six batches no recorded batch matches, and the eight starts and deferrals the splits leave undecided', async () => {
    expect(await count('#whatif-batches-table tbody tr')).toBe(run.result.batches.length);
    expect(run.result.batches).toHaveLength(6);
    expect(await count('#whatif-lacking-table tbody tr')).toBe(8);
    await expect(page.locator('#whatif-lacking').textContent()).resolves.toContain('formed otherwise');
  });

  it('draws v1 and v8 approved as recorded and rejected under the new AUC minimum, its tick at 0.84', async () => {
    const point = (side: string, version: string) =>
      labels(`#${side}-chart-gates-churn-models path[aria-roledescription="version value"]`).then((ls) =>
        ls.filter((l) => l.startsWith(`version: ${version};`) && l.includes('metric: auc;')),
      );
    for (const v of ['v1', 'v8']) {
      expect(await point('recorded', v)).toEqual([expect.stringContaining('outcome: APPROVE')]);
      expect(await point('redecided', v)).toEqual([expect.stringContaining('outcome: REJECT')]);
    }
    const mins = await labels('#redecided-chart-gates-churn-models path[aria-roledescription="tick"]');
    expect(mins.some((l) => l.includes('metric: auc;') && l.includes('min: 0.84'))).toBe(true);
    // Both sides plot the same values: 24 points (eight verdicts with data, three metrics each).
    for (const side of ['recorded', 'redecided'])
      expect(await count(`#${side}-chart-gates-churn-models path[aria-roledescription="version value"]`)).toBe(24);
  });

  it("draws ranking's 500-object batch as 200 + 200 + 120 and churn's 12 part files as 5 + 5 + 2", async () => {
    const objects = (side: string, rule: string) =>
      labels(`#${side}-chart-retraining-${rule} path[aria-roledescription="bar"]`).then((ls) =>
        ls.map((l) => Number(/objects: (\d+)/.exec(l)?.[1])),
      );
    expect(await objects('recorded', 'ranking')).toEqual([500, 20, 3, 2]);
    expect(await objects('redecided', 'ranking')).toEqual([200, 200, 120, 3, 2]);
    expect(await objects('recorded', 'churn')).toEqual([12, 2, 2]);
    expect(await objects('redecided', 'churn')).toEqual([5, 5, 2, 2, 2]);
    await expect(page.locator('#redecided-batches-churn tbody tr').nth(3).textContent()).resolves.toMatch(
      /QUARANTINED.*missing columns monthly_charges/s,
    );
  });

  it('keeps a screenshot of the comparison', async () => {
    const path = join(ARTIFACTS, 'whatif.png');
    await page.screenshot({ path, fullPage: true });
    expect(existsSync(path)).toBe(true);
    // The docs image: the counts, the flips and the gates side by side, at half the pixels.
    const target = process.env.WHATIF_SCREENSHOT;
    if (target === undefined) return;
    const top = await page.locator('#whatif-counts').boundingBox();
    const gates = await page.locator('#whatif-gates .side-by-side').boundingBox();
    const docs = await browser!.newPage({ viewport: { width: 1800, height: 1000 }, deviceScaleFactor: 0.5 });
    await openReport(docs, join(ARTIFACTS, 'whatif.html'));
    expect(await docs.evaluate('document.body.dataset.charts')).toBe('ready');
    await docs.screenshot({
      path: resolve(ROOT, target),
      fullPage: true,
      clip: { x: 0, y: top!.y, width: 1800, height: gates!.y + 620 - top!.y },
    });
    await docs.close();
    expect(existsSync(resolve(ROOT, target))).toBe(true);
  });
});
