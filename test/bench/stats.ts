/** Pure helpers of `npm run bench`: statistics and the printed table (unit-tested). */

/** Median of a non-empty sample (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** a / b rounded to `digits`, or null when b is 0 or either side is missing (no figure beats a made-up one). */
export function ratio(a: number | undefined, b: number | undefined, digits = 2): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  const scale = 10 ** digits;
  return Math.round((a / b) * scale) / scale;
}

export type Verdict = 'met' | 'MISSED' | '';

/** Whether `value` meets a target that is an upper (`max`) or lower (`min`) bound. */
export function verdict(value: number | null | undefined, target: { max?: number; min?: number }): Verdict {
  if (value === null || value === undefined || (target.max === undefined && target.min === undefined)) return '';
  if (target.max !== undefined && value > target.max) return 'MISSED';
  if (target.min !== undefined && value < target.min) return 'MISSED';
  return 'met';
}

export interface Row {
  metric: string;
  subject: string;
  value: string;
  target: string;
  verdict: Verdict;
  note?: string;
}

/** A plain-text table with a header, columns padded to their widest cell. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['metric', 'subject', 'value', 'target', 'verdict', 'note'];
  const cells = rows.map((r) => [r.metric, r.subject, r.value, r.target, r.verdict, r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** 841674 → "822.0 KB" (KiB, one decimal: the unit the 600 KB target is read in). */
export function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Milliseconds with one decimal. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Bytes per npm package (or per top-level source folder) of an esbuild metafile output, largest first. */
export function contributors(
  inputs: Record<string, { bytesInOutput: number }>,
  top = 10,
): Array<{ name: string; bytes: number }> {
  const sums = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const name = pkg ? pkg[1]! : file.split('/').slice(0, 2).join('/');
    sums.set(name, (sums.get(name) ?? 0) + bytesInOutput);
  }
  return [...sums]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, top);
}

/** Timed runs of the same operation as one rate: total count over total seconds. */
export function combineRates<T extends { puts: number; seconds: number }>(
  ...rates: T[]
): { puts: number; seconds: number; putsPerSecond: number } {
  const puts = rates.reduce((sum, r) => sum + r.puts, 0);
  const seconds = rates.reduce((sum, r) => sum + r.seconds, 0);
  return { puts, seconds: Math.round(seconds * 100) / 100, putsPerSecond: Math.round(puts / seconds) };
}

/** Who writes what on the state table (item kinds from test/support/wcu-meter.ts). */
const WRITERS: Array<[string, RegExp]> = [
  ['identities', /^LEDGER:OBJ$/],
  ['chunks', /^LEDGER:C$/],
  ['ledger close', /^LEDGER:(OPEN|SEQ)$/],
  ['run store', /^RUNS:/],
  ['decisions', /^DECISIONS:/],
  ['lost races', / \(failed\)$/],
];

/**
 * The storm's write units by writer: per object for the per-object items (identities, chunks),
 * per closed batch for the rest, e.g. "identities 1/object, chunks 0.1/object, ledger close
 * 3/batch, …". Kinds no writer claims are summed as "other".
 */
export function writeUnitShares(byKind: Record<string, number>, objects: number, batches: number): string {
  const sums = new Map<string, number>();
  for (const [kind, units] of Object.entries(byKind)) {
    const writer = WRITERS.find(([, pattern]) => pattern.test(kind))?.[0] ?? 'other';
    sums.set(writer, (sums.get(writer) ?? 0) + units);
  }
  return [...WRITERS.map(([name]) => name), 'other']
    .filter((name) => sums.has(name))
    .map((name) => {
      const perObject = name === 'identities' || name === 'chunks';
      const share = sums.get(name)! / (perObject ? objects : batches);
      return `${name} ${+share.toFixed(perObject ? 3 : 2)}/${perObject ? 'object' : 'batch'}`;
    })
    .join(', ');
}
