import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Payloads built here from AWS documentation (each directory's README names its sources). */
export const testFixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A fresh copy of `test/fixtures/<path>`: tests change only the fields they are about. */
export function loadTestFixture<T = any>(path: string): T {
  return JSON.parse(readFileSync(join(testFixturesDir, path), 'utf8')) as T;
}
