import { bucketLabels, countLines, distribution, renderDistribution, type SourceFile } from '../../bench/file-sizes';

const files: SourceFile[] = [
  { path: 'domain/a.ts', lines: 50 },
  { path: 'domain/b.ts', lines: 51 },
  { path: 'domain/c.ts', lines: 501 },
  { path: 'adapters/aws/d.ts', lines: 1 },
  { path: 'adapters/aws/dynamodb/e.ts', lines: 300 },
  { path: 'top.ts', lines: 200 },
];

describe('file-size distribution', () => {
  it.each([
    ['', 0],
    ['one', 1],
    ['one\n', 1],
    ['one\ntwo', 2],
    ['one\n\n', 2],
  ])('counts %j as %d lines', (text, lines) => {
    expect(countLines(text)).toBe(lines);
  });

  it('labels buckets by their inclusive bounds, the last one open', () => {
    expect(bucketLabels()).toEqual(['1–50', '51–100', '101–200', '201–300', '301–500', '> 500']);
    expect(bucketLabels([10])).toEqual(['1–10', '> 10']);
  });

  it('puts each file in its own directory’s row and in the total, bounds inclusive', () => {
    const rows = distribution(files);
    expect(rows.map((r) => [r.folder, r.counts, r.files, r.lines, r.largest.path])).toEqual([
      ['.', [0, 0, 1, 0, 0, 0], 1, 200, 'top.ts'],
      ['adapters/aws', [1, 0, 0, 0, 0, 0], 1, 1, 'adapters/aws/d.ts'],
      ['adapters/aws/dynamodb', [0, 0, 0, 1, 0, 0], 1, 300, 'adapters/aws/dynamodb/e.ts'],
      ['domain', [1, 1, 0, 0, 0, 1], 3, 602, 'domain/c.ts'],
      ['all', [2, 1, 1, 1, 0, 1], 6, 1103, 'domain/c.ts'],
    ]);
  });

  it('renders one markdown row per folder with the total last', () => {
    expect(renderDistribution(distribution(files, [100]), [100]).split('\n')).toEqual([
      '| folder | 1–100 | > 100 | files | lines | largest |',
      '| --- | --- | --- | --- | --- | --- |',
      '| ./ | 0 | 1 | 1 | 200 | top.ts (200) |',
      '| adapters/aws/ | 1 | 0 | 1 | 1 | adapters/aws/d.ts (1) |',
      '| adapters/aws/dynamodb/ | 0 | 1 | 1 | 300 | adapters/aws/dynamodb/e.ts (300) |',
      '| domain/ | 2 | 1 | 3 | 602 | domain/c.ts (501) |',
      '| **all** | 3 | 3 | 6 | 1103 | domain/c.ts (501) |',
    ]);
  });
});
