import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { parsePolicyText } from '../../functions/config/policy';
import { esbuildOptions } from '../bench/bundles';

const ROOT = process.cwd();
/** Where `osls package` writes the template and the function zips (test/deploy deploys a copy). */
export const PACKAGE_DIR = join(ROOT, '.serverless');
const TEMPLATE = join(PACKAGE_DIR, 'cloudformation-template-update-stack.json');
/**
 * Test files in several jest workers (unit infra tests, the deploy layer) ask for the template at
 * once; two `osls package` runs writing one .serverless would corrupt it. mkdir is atomic: the one
 * that creates the lock packages, the others wait for it and then find the template fresh.
 */
const LOCK = join(ROOT, '.serverless.lock');
const LOCK_WAIT_MS = 300_000;
/** A lock older than this was left by a killed run (packaging takes ~30 s on a busy machine). */
const LOCK_STALE_MS = 600_000;
/** Everything `osls package` reads: a template older than any of these is stale. */
const INPUTS = ['serverless.yml', 'controller.yml', 'package-lock.json', 'functions', 'infra', 'events'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/**
 * The CloudFormation template `osls package` generates (the one CI lints and a deploy uploads).
 * Packaging takes ~30 s on two cores, so a template newer than every input is reused.
 */
export function packagedTemplate(): { Resources: Record<string, { Type: string; Properties?: any }> } {
  const fresh = () =>
    existsSync(TEMPLATE) && statSync(TEMPLATE).mtimeMs > Math.max(...INPUTS.map((p) => newestMtime(join(ROOT, p))));
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!fresh()) {
    if (takeLock()) {
      try {
        if (!fresh())
          execFileSync(process.execPath, [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package'], {
            cwd: ROOT,
            stdio: 'pipe',
            env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
          });
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline)
      throw new Error(`${LOCK} held for over ${LOCK_WAIT_MS / 1000}s: remove it if no test runs`);
    // A synchronous wait (callers load the template at module scope): ~0.5 s between looks.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  return JSON.parse(readFileSync(TEMPLATE, 'utf8'));
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Released between the two calls: the next look takes it.
    }
    return false;
  }
}

/**
 * The AWS SDK commands each handler's bundle contains, as `client:Operation` (e.g.
 * `sagemaker:UpdateModelPackage`, `sagemaker-runtime:InvokeEndpoint`). Bundled as serverless.yml
 * bundles them (ESM, module fields first, tree-shaken): the adapters import only the
 * commands they send, so a command missing from a bundle is one the function cannot call.
 */
export async function bundledCommands(handlerFiles: string[]): Promise<Map<string, Set<string>>> {
  const policy = parsePolicyText(readFileSync(join(ROOT, 'controller.yml'), 'utf8'));
  const { functionPlugins } = createRequire(import.meta.url)(join(ROOT, 'infra', 'esbuild-plugins.cjs')) as {
    functionPlugins: (load: () => unknown, watchFiles: string[]) => Plugin[];
  };
  // The options serverless.yml gives serverless-esbuild (plugins included), so this cannot drift
  // from what is deployed.
  const result = await build({
    ...esbuildOptions(ROOT),
    // The same plugins for the policy the template was packaged from (the decision sinks are
    // bundled only when it names them). Parsed here: the default loader compiles the schema
    // through tsx, which jest's module system does not allow.
    plugins: functionPlugins(() => policy, []),
    entryPoints: handlerFiles,
    write: false,
    metafile: true,
    minify: false,
    outdir: join(ROOT, '.esbuild', 'iam-analysis'),
    logLevel: 'silent',
  });
  const out = new Map<string, Set<string>>();
  for (const output of Object.values(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const commands = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      const m = /@aws-sdk\/client-([a-z0-9-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(input);
      if (m) commands.add(`${m[1]}:${m[2]}`);
    }
    out.set(output.entryPoint, commands);
  }
  return out;
}
