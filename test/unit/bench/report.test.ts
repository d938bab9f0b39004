import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boto3Subject } from '../../bench/cold-init';
import {
  BOTO3,
  COMPARE_END,
  COMPARE_START,
  comparable,
  generatedBlock,
  renderComparison,
  renderResults,
  RESULTS_END,
  RESULTS_START,
  spliceComparison,
  spliceResults,
  type BenchResults,
  type Comparable,
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
    // Outside the generated blocks no table quotes a figure: another table would be hand-edited numbers.
    const compare = generatedBlock(doc, COMPARE_START, COMPARE_END);
    expect(compare).toMatch(/^Before: `npm run bench( -- --quick)?` of .* after: /);
    const outside = doc.replace(generatedBlock(doc), '').replace(compare, '');
    expect(outside.split('\n').filter((l) => l.startsWith('|'))).toEqual([]);
  });

  describe('P1/P2 before and after', () => {
    const run = (at: string, bytes: number[], coldMs: number[], boto3Ms: number): Comparable => ({
      at,
      machine: { cpus: 2, node: 'v20.20.2' },
      settings: { quick: true, coldInitRuns: 5, stormObjects: 1000 },
      bundles: ['dataArrived', 'sweeper'].map((name, i) => ({ name, bytes: bytes[i]! })),
      coldInit: [
        ...['dataArrived', 'sweeper'].map((name, i) => ({ name, medianMs: coldMs[i]! })),
        { name: BOTO3, medianMs: boto3Ms },
        { name: 'node -e 0', medianMs: 40 },
      ],
    });

    it('names the Python reference as the cold-init bench does', () => {
      expect(BOTO3).toBe(boto3Subject.name);
    });

    it('shows each function in both runs: P2 in KB with its growth flagged, P1 as each run’s ratio to its own boto3', () => {
      const before = run('2026-12-03T15:35:00Z', [512_000, 307_200], [150, 120], 600);
      const after = run('2026-12-04T09:00:00Z', [512_000 + 2048, 307_200 - 1024], [180, 130], 900);
      expect(renderComparison(before, after).split('\n')).toEqual([
        'Before: `npm run bench -- --quick` of 2026-12-03 15:35 UTC; after: `npm run bench -- --quick` of 2026-12-04 09:00 UTC.',
        '',
        '| metric | function | before | after | change | verdict |',
        '| --- | --- | --- | --- | --- | --- |',
        '| P2 bundle (KB) | dataArrived | 500.0 | 502.0 | +2.0 | GREW |',
        '| P2 bundle (KB) | sweeper | 300.0 | 299.0 | −1.0 | unchanged or better |',
        '| P1 cold init (× boto3) | dataArrived | 0.25 | 0.20 | −0.05 |  |',
        '| P1 cold init (× boto3) | sweeper | 0.20 | 0.14 | −0.06 |  |',
      ]);
    });

    it('leaves out a function only one run has, and refuses runs without boto3 or in common', () => {
      const before = run('2026-12-03T15:35:00Z', [1024, 2048], [100, 100], 500);
      const renamed = { ...before, bundles: [{ name: 'dataArrivedNew', bytes: 1024 }], coldInit: before.coldInit };
      expect(() => renderComparison(before, renamed)).toThrow('no function in common');
      const noBoto3 = { ...before, coldInit: before.coldInit.filter((c) => c.name !== BOTO3) };
      expect(() => renderComparison(noBoto3, before)).toThrow('boto3');
      const oneMore = { ...before, bundles: [...before.bundles, { name: 'newFunction', bytes: 1 }] };
      expect(renderComparison(before, oneMore)).not.toContain('newFunction');
    });

    it('keeps of a run only what a comparison reads, so a baseline file holds no machine paths', () => {
      const full = {
        ...run('2026-12-03T15:35:00Z', [1024, 2048], [100, 100], 500),
        bundles: [{ name: 'dataArrived', bytes: 1024, file: '/somewhere/bench/build/x.mjs', top: [] }],
        table: [],
      };
      expect(JSON.stringify(comparable(full))).not.toContain('/somewhere');
      expect(comparable(full).bundles).toEqual([{ name: 'dataArrived', bytes: 1024 }]);
    });

    it('rewrites only the before/after block', () => {
      const doc = `a\n${RESULTS_START}\nkeep\n${RESULTS_END}\n${COMPARE_START}\nold\n${COMPARE_END}\nb\n`;
      expect(spliceComparison(doc, 'new')).toBe(
        `a\n${RESULTS_START}\nkeep\n${RESULTS_END}\n${COMPARE_START}\nnew\n${COMPARE_END}\nb\n`,
      );
    });
  });
});
