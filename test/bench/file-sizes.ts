/**
 * `npm run sizes [folder]`: how many source files of each folder of functions/ fall in each
 * lines-per-file bucket, so a structural change can show the distribution before and after
 * (docs/architecture.md records it). Lines are physical lines, comments and blanks included: what a
 * reader scrolls through.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Upper bounds (inclusive) of the buckets; a last, open bucket takes the rest. */
export const BUCKETS = [50, 100, 200, 300, 500] as const;

export interface SourceFile {
  /** Relative to the walked root, `/`-separated: `domain/alarms.ts`. */
  path: string;
  lines: number;
}

export interface FolderSizes {
  folder: string;
  /** Files per bucket, in BUCKETS order, then the open bucket. */
  counts: number[];
  files: number;
  lines: number;
  largest: SourceFile;
}

export function bucketLabels(bounds: readonly number[] = BUCKETS): string[] {
  return [...bounds.map((b, i) => `${i === 0 ? 1 : bounds[i - 1]! + 1}–${b}`), `> ${bounds.at(-1)}`];
}

/** A file's folder is its directory under the root (`adapters/aws`); files at the root are `.`. */
export function distribution(files: readonly SourceFile[], bounds: readonly number[] = BUCKETS): FolderSizes[] {
  const folders = new Map<string, FolderSizes>();
  const add = (folder: string, file: SourceFile) => {
    let f = folders.get(folder);
    if (!f) {
      f = { folder, counts: Array<number>(bounds.length + 1).fill(0), files: 0, lines: 0, largest: file };
      folders.set(folder, f);
    }
    const bucket = bounds.findIndex((b) => file.lines <= b);
    f.counts[bucket < 0 ? bounds.length : bucket]! += 1;
    f.files += 1;
    f.lines += file.lines;
    if (file.lines > f.largest.lines) f.largest = file;
  };
  for (const file of files) {
    const cut = file.path.lastIndexOf('/');
    add(cut < 0 ? '.' : file.path.slice(0, cut), file);
    add('all', file);
  }
  return [...folders.values()].sort((a, b) =>
    a.folder === 'all' ? 1 : b.folder === 'all' ? -1 : a.folder.localeCompare(b.folder),
  );
}

/** A markdown table: one row per folder, the total last. */
export function renderDistribution(rows: readonly FolderSizes[], bounds: readonly number[] = BUCKETS): string {
  const header = ['folder', ...bucketLabels(bounds), 'files', 'lines', 'largest'];
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map(() => '---')),
    ...rows.map((r) =>
      line([
        r.folder === 'all' ? '**all**' : `${r.folder}/`,
        ...r.counts,
        r.files,
        r.lines,
        `${r.largest.path} (${r.largest.lines})`,
      ]),
    ),
  ].join('\n');
}

/** Lines of a text: a final newline ends the last line, it does not start another. */
export function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every `.ts`/`.mjs`/`.cjs`/`.js` file under `root` (declaration files excluded). */
export function sourceFiles(root: string): SourceFile[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|cjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => {
      const full = join(e.parentPath, e.name);
      return { path: relative(root, full).split(sep).join('/'), lines: countLines(readFileSync(full, 'utf8')) };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
  const folder = process.argv[2] ?? 'functions';
  process.stdout.write(
    `${folder}/, lines per file:\n\n${renderDistribution(distribution(sourceFiles(join(repoRoot, folder))))}\n`,
  );
}
