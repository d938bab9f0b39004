import {
  combineRates,
  contributors,
  formatTable,
  kilobytes,
  median,
  ratio,
  verdict,
  writeUnitShares,
} from '../../bench/stats';

describe('bench statistics', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1, 1000], 10],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('refuses the median of nothing', () => {
    expect(() => median([])).toThrow('empty');
  });

  it('rounds ratios and has none when the base is zero or missing', () => {
    expect(ratio(190, 500)).toBe(0.38);
    expect(ratio(1, 3, 3)).toBe(0.333);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
  });

  it.each([
    [0.3, { max: 0.35 }, 'met'],
    [0.36, { max: 0.35 }, 'MISSED'],
    [0.7, { min: 0.7 }, 'met'],
    [0.69, { min: 0.7 }, 'MISSED'],
    [1, { min: 1, max: 1 }, 'met'],
    [2, { min: 1, max: 1 }, 'MISSED'],
    [null, { max: 1 }, ''],
    [3, {}, ''],
  ] as const)('%s against %j is %s', (value, target, expected) => {
    expect(verdict(value, target)).toBe(expected);
  });

  it('pads every column to its widest cell', () => {
    const table = formatTable([
      { metric: 'P2 bundle', subject: 'dataArrived', value: '576.4 KB', target: '≤ 600 KB', verdict: 'met' },
      { metric: 'P1', subject: 'x', value: '1', target: '', verdict: '', note: 'n' },
    ]);
    expect(table.split('\n')).toEqual([
      'metric     subject      value     target    verdict  note',
      '---------  -----------  --------  --------  -------  ----',
      'P2 bundle  dataArrived  576.4 KB  ≤ 600 KB  met',
      'P1         x            1                            n',
    ]);
  });

  it('formats kilobytes as KiB with one decimal', () => {
    expect(kilobytes(614_400)).toBe('600.0 KB');
  });

  it('sums metafile inputs per npm package or source folder, largest first', () => {
    expect(
      contributors({
        'node_modules/@aws-sdk/client-s3/dist-es/a.js': { bytesInOutput: 10 },
        'node_modules/@aws-sdk/client-s3/dist-es/b.js': { bytesInOutput: 5 },
        'node_modules/zod/v4/core/x.js': { bytesInOutput: 12 },
        'functions/domain/errors.ts': { bytesInOutput: 3 },
        'functions/domain/objects.ts': { bytesInOutput: 1 },
        'node_modules/unused/index.js': { bytesInOutput: 0 },
      }),
    ).toEqual([
      { name: '@aws-sdk/client-s3', bytes: 15 },
      { name: 'zod', bytes: 12 },
      { name: 'functions/domain', bytes: 4 },
    ]);
  });

  it('combines two timed runs into one rate (total over total, not the mean of rates)', () => {
    expect(combineRates({ puts: 100, seconds: 1 }, { puts: 100, seconds: 3 })).toEqual({
      puts: 200,
      seconds: 4,
      putsPerSecond: 50,
    });
  });
  it('splits write units into per-object items and per-batch writers, failed writes apart', () => {
    const byKind = {
      'LEDGER:OBJ': 1000,
      'LEDGER:C': 101,
      'LEDGER:OPEN': 16,
      'LEDGER:SEQ': 8,
      'LEDGER:OPEN (failed)': 13,
      'LEDGER:OBJ (failed)': 10,
      'RUNS:BATCH': 16,
      'RUNS:GUARD': 8,
      'DECISIONS:retraining.batch': 8,
      'DECISIONS:retraining.start': 8,
      'PROBE:x': 2,
    };
    expect(writeUnitShares(byKind, 1000, 8)).toBe(
      'identities 1/object, chunks 0.101/object, ledger close 3/batch, run store 3/batch, decisions 2/batch, ' +
        'lost races 2.88/batch, other 0.25/batch',
    );
  });
});
