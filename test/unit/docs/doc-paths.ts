/**
 * The repository paths a page names (`functions/parsing/s3.ts`, `config/runtime.ts`, `test/bench/`),
 * outside its "Before" sections, which keep the paths of the commit they describe. A path is written
 * from the repository root or from `functions/` (the docs' usual shorthand: `domain/writes.ts`), and
 * may hold a glob star (`config/*-runtime.ts`). Only tokens starting with a folder of the root or of
 * `functions/` count as paths: S3 prefixes (`churn/daily/`) and package scopes (`@aws-sdk/`) do not,
 * nor paths relative to another file (`../../controller.yml` in a scenario).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A token with at least one slash that ends in a known file extension or in a slash (a folder). */
const pathToken = /(?<![\w.:/-])((?:\.\/)?(?:[\w.*-]+\/)+(?:[\w.*-]+\.(?:ts|js|cjs|mjs|json|ya?ml|md))?)(?![\w/-])/g;

/** The text of a page without its "Before" sections: a heading naming "Before" up to the next heading of its level or above. */
export function withoutBeforeSections(markdown: string): string {
  const kept: string[] = [];
  let skipping: number | undefined;
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      if (skipping !== undefined && level <= skipping) skipping = undefined;
      if (skipping === undefined && /\bBefore\b/.test(heading[2]!)) skipping = level;
    }
    if (skipping === undefined) kept.push(line);
  }
  return kept.join('\n');
}

/** Every path-like token of a text, in order of first appearance, links and URLs left out. */
export function namedPaths(text: string, folders: readonly string[]): string[] {
  const withoutUrls = text.replace(/[a-z]+:\/\/\S+/gi, ' ');
  const found = [...withoutUrls.matchAll(pathToken)].map((m) => m[1]!.replace(/^\.\//, ''));
  return [...new Set(found)].filter((p) => folders.includes(p.split('/')[0]!));
}

/**
 * The folders a page's paths may start from: those of the root and of `functions/`, less the
 * gitignored ones (bench/, build/): what a run generates there exists on one machine, not in a clone.
 */
export function pathFolders(root: string, bases: readonly string[]): string[] {
  const ignored = existsSync(join(root, '.gitignore'))
    ? readFileSync(join(root, '.gitignore'), 'utf8')
        .split('\n')
        .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
    : [];
  return bases.flatMap((base) =>
    readdirSync(join(root, base), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !ignored.includes(entry.name))
      .map((entry) => entry.name),
  );
}

const globMatches = (root: string, path: string): boolean => {
  const folder = dirname(path);
  const name = path.slice(folder.length + 1);
  if (folder.includes('*') || !existsSync(join(root, folder))) return false;
  const pattern = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(join(root, folder)).some((entry) => pattern.test(entry));
};

/** Whether a named path exists from one of the bases a page writes paths from. */
export function exists(root: string, bases: readonly string[], path: string): boolean {
  return bases.some((base) => {
    const full = join(base, path);
    return path.includes('*') ? globMatches(root, full) : existsSync(join(root, full));
  });
}
