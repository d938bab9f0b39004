/**
 * `npm run bench:docs [results.json]`: rewrites docs/performance.md's generated blocks from a
 * bench run (default bench/results.json): the results table, and P1/P2 against the baseline of
 * issue 16 (the run of the commit before its restructuring). `npm run bench -- --write-docs` calls
 * the same after its run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  renderComparison,
  renderResults,
  spliceComparison,
  spliceResults,
  type BenchResults,
  type Comparable,
} from './report';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const performanceDoc = join(repoRoot, 'docs', 'performance.md');
/** P1/P2 before issue 16's restructuring: `comparable()` of a `--quick` run of commit 14226cf. */
export const baselineFile = join(repoRoot, 'test', 'bench', 'baseline-14226cf.json');

export function writeResultsToDocs(results: BenchResults & Comparable, doc = performanceDoc): void {
  const before = JSON.parse(readFileSync(baselineFile, 'utf8')) as Comparable;
  const text = spliceResults(readFileSync(doc, 'utf8'), renderResults(results));
  writeFileSync(doc, spliceComparison(text, renderComparison(before, results)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? join(repoRoot, 'bench', 'results.json'));
  writeResultsToDocs(JSON.parse(readFileSync(file, 'utf8')) as BenchResults & Comparable);
  process.stdout.write(`docs/performance.md: generated blocks rewritten from ${file}\n`);
}
