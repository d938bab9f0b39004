import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real AWS payloads live beside the repository, in ../shared/fixtures/aws-events; a git
 * worktree (one directory deeper than the repository it belongs to) finds them further up.
 */
export const fixturesDir = nearestAbove(join(dirname(fileURLToPath(import.meta.url)), '..', '..'), [
  'shared',
  'fixtures',
  'aws-events',
]);

function nearestAbove(start: string, path: string[]): string {
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ...path))) return join(dir, ...path);
    if (dirname(dir) === dir) return join(dirname(start), ...path);
  }
}

const cache = new Map<string, unknown>();

/** A fresh deep copy of a real fixture: tests change only the fields they are about. */
export function loadFixture<T = any>(name: string): T {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')));
  return structuredClone(cache.get(file)) as T;
}

export function fixtureNames(prefix = ''): string[] {
  return readdirSync(fixturesDir).filter((f) => f.endsWith('.json') && f.startsWith(prefix));
}
