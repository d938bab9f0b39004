import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  generatedBlock,
  renderResults,
  RESULTS_END,
  RESULTS_START,
  spliceResults,
  type BenchResults,
} from '../../bench/report';

const fixture = (): BenchResults => ({
  at: '2026-12-03T15:35:15.260Z',
  machine: { cpus: 2, node: 'v20.20.2' },
  settings: { quick: true, coldInitRuns: 5, stormObjects: 1000 },
  table: [
    {
      metric: 'P2 bundle (minified)',
      subject: 'dataArrived',
      value: '535.6 KB',
      target: '≤ 600 KB',
      verdict: 'met',
      note: '@smithy/core 143.5 KB',
    },
    {
      metric: 'P5 AWS calls per decision',
      subject: 'object event, batch stays open',
      value: '3',
      target: '≤ 1',
      verdict: 'MISSED',
    },
    { metric: 'P6 moto per call (median)', subject: 'a | b', value: 'x\ny', target: '', verdict: '' },
  ],
});

describe('bench results in docs/performance.md', () => {
  it('renders a caption naming the run and one markdown row per result row, in order', () => {
    expect(renderResults(fixture()).split('\n')).toEqual([
      '`npm run bench -- --quick` of 2026-12-03 15:35 UTC (quick run: storm of 1,000 objects, 5 cold-init rounds per subject; 2 CPUs, Node v20.20.2; `bench/results.json`):',
      '',
      '| metric | subject | value | target | verdict | note |',
      '| --- | --- | --- | --- | --- | --- |',
      '| P2 bundle (minified) | dataArrived | 535.6 KB | ≤ 600 KB | met | @smithy/core 143.5 KB |',
      '| P5 AWS calls per decision | object event, batch stays open | 3 | ≤ 1 | MISSED |  |',
      '| P6 moto per call (median) | a \\| b | x y |  |  |  |',
    ]);
  });

  it('names a full run by its own command', () => {
    const full = { ...fixture(), settings: { quick: false, coldInitRuns: 11, stormObjects: 10_000 } };
    expect(renderResults(full).split('\n')[0]).toBe(
      '`npm run bench` of 2026-12-03 15:35 UTC (full run: storm of 10,000 objects, 11 cold-init rounds per subject; 2 CPUs, Node v20.20.2; `bench/results.json`):',
    );
  });

  it('refuses results without rows or without a time, rather than writing an empty or undated table', () => {
    expect(() => renderResults({ ...fixture(), table: [] })).toThrow('no rows');
    expect(() => renderResults({ ...fixture(), at: 'yesterday' })).toThrow('"at" is not a time');
  });

  it('replaces only the text between the markers, and the same results rewrite it to the same text', () => {
    const doc = `# Title\n\nbefore\n\n${RESULTS_START}\n| old | table |\n${RESULTS_END}\n\nafter\n`;
    const once = spliceResults(doc, renderResults(fixture()));
    expect(once.startsWith(`# Title\n\nbefore\n\n${RESULTS_START}\n\`npm run bench -- --quick\``)).toBe(true);
    expect(once.endsWith(`| a \\| b | x y |  |  |  |\n${RESULTS_END}\n\nafter\n`)).toBe(true);
    expect(once).not.toContain('| old | table |');
    expect(spliceResults(once, renderResults(fixture()))).toBe(once);
  });

  it('refuses a document without exactly one results block', () => {
    expect(() => spliceResults('# no block\n', 'x')).toThrow('no "<!-- bench:results:start');
    expect(() => spliceResults(`${RESULTS_END}\n${RESULTS_START}\n`, 'x')).toThrow('no "<!-- bench:results:start');
    const twice = `${RESULTS_START}\n${RESULTS_END}\n${RESULTS_START}\n${RESULTS_END}\n`;
    expect(() => spliceResults(twice, 'x')).toThrow('more than one');
  });

  it('docs/performance.md holds its figures in one generated block, in the renderer’s format', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/performance.md', import.meta.url)), 'utf8');
    const block = generatedBlock(doc).split('\n');
    expect(block[0]).toMatch(/^`npm run bench( -- --quick)?` of \d{4}-\d\d-\d\d \d\d:\d\d UTC \((quick|full) run: /);
    expect(block.slice(1, 4)).toEqual([
      '',
      '| metric | subject | value | target | verdict | note |',
      '| --- | --- | --- | --- | --- | --- |',
    ]);
    expect(block.length).toBeGreaterThan(4);
    // Outside the block no table quotes a figure: any other markdown table would be hand-edited numbers.
    const outside = doc.replace(generatedBlock(doc), '');
    expect(outside.split('\n').filter((l) => l.startsWith('|'))).toEqual([]);
  });
});
