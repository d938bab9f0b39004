/**
 * The charting library the report page inlines, read from node_modules at report time: the UMD
 * builds of Vega, Vega-Lite and vega-embed (the versions package.json pins), so the page needs
 * no network to draw its charts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChartLibraries } from '../report/page';
import { ControllerError } from '../domain/errors';

/** Each package's entry sits in its build/ folder, beside the minified UMD build. */
const BUILDS = {
  vega: ['vega', 'vega.min.js'],
  vegaLite: ['vega-lite', 'vega-lite.min.js'],
  vegaEmbed: ['vega-embed', 'vega-embed.min.js'],
} as const;

export function readChartLibraries(from: string = import.meta.url): ChartLibraries {
  const require = createRequire(from);
  const read = ([name, file]: readonly [string, string]): string => {
    let entry: string;
    try {
      entry = require.resolve(name);
    } catch (cause) {
      throw new ControllerError(`the report's charting library ${name} is not installed: run npm ci`, { cause });
    }
    return readFileSync(join(dirname(entry), file), 'utf8');
  };
  return { vega: read(BUILDS.vega), vegaLite: read(BUILDS.vegaLite), vegaEmbed: read(BUILDS.vegaEmbed) };
}
