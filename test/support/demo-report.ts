/**
 * The demo's report, built and opened the one way the browser test and the docs' screenshots
 * (test/browser/report-screenshots.ts) both need: the demo's scenarios through `report --scenario`,
 * opened from a file in Debian's chromium, headless, through playwright-core.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport, defaultSources } from '../../functions/cli/commands/report';
import type { Decision } from '../../functions/ports/decision-log';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The demo's chapters with decisions (`npm run demo` without its schedule file), in the demo's order. */
export const DEMO_SCENARIOS = [
  'demo.yml',
  'demo-gates.yml',
  'demo-rollback.yml',
  'demo-operate.yml',
  'demo-canary.yml',
].map((f) => join(ROOT, 'test', 'scenarios', f));
/** The report's sections, in page order: their ids and titles. */
export const SECTIONS = [
  ['overview', 'Overview'],
  ['retraining', 'Retraining'],
  ['gates', 'Gates'],
  ['judgments', 'Canary judgments'],
  ['rollbacks', 'Rollbacks'],
  ['decisions', 'Every decision'],
] as const;
// Generous: a state the page reaches, never a speed anyone demands.
const STATE_BUDGET_MS = 90_000;

/** The demo's report written to `dir/demo-report.html`; a fixed build time, so the page is the same every run. */
export async function writeDemoReport(dir: string): Promise<{ file: string; records: Decision[] }> {
  const built = await buildReport(
    { scenario: DEMO_SCENARIOS, title: 'Demo decision report' },
    { ...defaultSources, now: () => new Date('2026-11-23T12:00:00Z') },
  );
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'demo-report.html');
  writeFileSync(file, built.html);
  return { file, records: built.records };
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/**
 * What a page says that a test must see: console errors and warnings, uncaught page errors, and
 * every URL it requests (the report promises no fetch but its own file).
 */
export function watchPage(page: Page): { consoleProblems: string[]; requests: string[] } {
  const consoleProblems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { consoleProblems, requests };
}

/** Opens the page and waits until its charts are drawn or failed (`document.body.dataset.charts`). */
export async function openReport(page: Page, file: string): Promise<void> {
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction('document.body.dataset.charts !== undefined', null, { timeout: STATE_BUDGET_MS });
}
