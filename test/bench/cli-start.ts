/**
 * CLI start: `mlops-controller --help` and `validate controller.yml` from spawn to exit, the way a
 * person runs them (bin.mjs, which runs the esbuild build of functions/cli), beside the same
 * commands compiled through tsx at start (what bin.mjs did before the build) and `node -e 0`.
 * Interleaved runs, medians (cold-init.ts's measurement).
 */
import { join } from 'node:path';
import { bareNodeSubject, measureColdInit, type ColdInitResult, type Subject } from './cold-init';
import { builtCli } from '../../functions/cli/build.mjs';

const COMMANDS: Array<[string, string[]]> = [
  ['--help', ['--help']],
  ['validate', ['validate', 'controller.yml']],
];

export interface CliStart {
  built: ColdInitResult[];
  tsx: ColdInitResult[];
  bare: ColdInitResult;
}

export async function measureCliStart(root: string, runs: number): Promise<CliStart> {
  // Built before timing (as `npm ci` builds it), so no run pays the build.
  if (!(await builtCli())) throw new Error('the CLI could not be built (functions/cli/build.mjs)');
  const bin = join(root, 'functions', 'cli', 'bin.mjs');
  const main = join(root, 'functions', 'cli', 'main.ts');
  const built: Subject[] = COMMANDS.map(([name, args]) => ({
    name: `mlops-controller ${name}`,
    command: process.execPath,
    args: [bin, ...args.map((a) => (a.endsWith('.yml') ? join(root, a) : a))],
  }));
  const tsx: Subject[] = COMMANDS.map(([name, args]) => ({
    name: `mlops-controller ${name} (through tsx)`,
    command: process.execPath,
    args: ['--import', 'tsx', main, ...args.map((a) => (a.endsWith('.yml') ? join(root, a) : a))],
  }));
  const results = measureColdInit([...built, ...tsx, bareNodeSubject], runs);
  return {
    built: results.slice(0, built.length),
    tsx: results.slice(built.length, built.length + tsx.length),
    bare: results.at(-1)!,
  };
}
