/**
 * `npm run bench:docs [results.json]`: rewrites docs/performance.md's results block from a bench
 * run (default bench/results.json). `npm run bench -- --write-docs` calls the same after its run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderResults, spliceResults, type BenchResults } from './report';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const performanceDoc = join(repoRoot, 'docs', 'performance.md');

export function writeResultsToDocs(results: BenchResults, doc = performanceDoc): void {
  writeFileSync(doc, spliceResults(readFileSync(doc, 'utf8'), renderResults(results)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? join(repoRoot, 'bench', 'results.json'));
  writeResultsToDocs(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  process.stdout.write(`docs/performance.md: results block rewritten from ${file}\n`);
}
