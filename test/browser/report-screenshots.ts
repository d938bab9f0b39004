/**
 * `npm run report:screenshots`: the docs' pictures of the demo's report (docs/report.md), one PNG
 * per section in docs/images/report-<section>.png, taken from the same page the browser test opens.
 * Element screenshots at 1 device pixel per CSS pixel, each cut to MAX_HEIGHT: the tables below a
 * chart run to hundreds of rows, and the first screenful shows what they hold.
 */
import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, openReport, ROOT, SECTIONS, writeDemoReport } from '../support/demo-report';

const OUT = join(ROOT, 'docs', 'images');
const MAX_HEIGHT = 900;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'report-screenshots-'));
  const browser = await launchChromium();
  try {
    const { file } = await writeDemoReport(dir);
    const page = await browser.newPage({ viewport: { width: 1240, height: 900 }, deviceScaleFactor: 1 });
    await openReport(page, file);
    const state = await page.evaluate('document.body.dataset.charts');
    if (state !== 'ready') throw new Error(`the demo report's charts did not draw: ${String(state)}`);
    mkdirSync(OUT, { recursive: true });
    let total = 0;
    for (const [id] of SECTIONS) {
      const box = await page.locator(`#${id}`).boundingBox();
      if (!box) throw new Error(`section ${id} is not on the page`);
      const path = join(OUT, `report-${id}.png`);
      await page.screenshot({
        path,
        fullPage: true,
        clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, MAX_HEIGHT) },
      });
      const bytes = statSync(path).size;
      total += bytes;
      console.log(`${path.slice(ROOT.length)}: ${Math.round(bytes / 1024)} KiB`);
    }
    console.log(`total: ${Math.round(total / 1024)} KiB`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
