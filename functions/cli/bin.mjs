#!/usr/bin/env node
// Runs the CLI esbuild built from the sources (functions/cli/build.mjs: at `npm ci`, again after
// they change). Only if it cannot be built does it compile the TypeScript through tsx, as before.
import { builtCli } from './build.mjs';

const built = await builtCli();
if (built) await import(built);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
