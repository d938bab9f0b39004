import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// A busy 2-core CI machine must not fail a test for being slow (cli-unfreeze once did, at jest's
// 5 s default). These checks keep the rule from regressing silently.
type JestConfig = { testTimeout?: number };
const configPath = '../../jest.config.js';

describe('jest configuration', () => {
  let config: JestConfig;
  beforeAll(async () => {
    config = ((await import(configPath)) as { default: JestConfig }).default;
  });

  it('sets a timeout that only catches hangs, never slowness, where jest reads it (the top level)', () => {
    expect(config.testTimeout).toBeGreaterThanOrEqual(60_000);
  });

  it('has no test that sets itself a tighter timeout than a busy machine needs', () => {
    const tight: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.test.ts')) {
          const source = readFileSync(path, 'utf8');
          for (const match of source.matchAll(/^\s*(?:\}, |jest\.setTimeout\()(\d[\d_]*)\);\s*$/gm)) {
            const ms = Number(match[1]!.replaceAll('_', ''));
            if (ms < 60_000) tight.push(`${path}: ${match[1]}`);
          }
        }
      }
    };
    walk('test');
    expect(tight).toEqual([]);
  });
});
