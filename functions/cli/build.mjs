// The CLI, built once with esbuild: `npm ci` runs it as the `prepare` script, and bin.mjs builds
// again when the sources changed since (a checkout, an edit). Compiling the TypeScript through tsx
// at every start cost 2.5-2.8 s; the built CLI starts in a fraction of that (npm run bench, "CLI start").
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(ROOT, 'build');
const ENTRY = join(ROOT, 'functions', 'cli', 'main.ts');

/** Every source file the bundle can be made of (the CLI imports across functions/). */
function sourceFiles(dir = join(ROOT, 'functions')) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/**
 * The build's directory is named after what it was built from (path, size, mtime of each source):
 * a start only stats the sources (≈ 200 files, a few ms) to know whether its build is current, and
 * concurrent first starts never overwrite a build another process is running from.
 */
function buildKey() {
  const hash = createHash('sha1');
  // This file (the build's options) and the lock file (the bundled dependencies' versions) too.
  const inputs = [fileURLToPath(import.meta.url), join(ROOT, 'tsconfig.json'), join(ROOT, 'package-lock.json')];
  for (const file of [...sourceFiles(), ...inputs].sort()) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The built CLI's entry (a file: URL), building it first if the sources changed; undefined when it
 * cannot be built (esbuild not installed, a compile error), so the caller runs the sources instead.
 * Two levels below the repository root, like functions/cli/main.ts, so paths the CLI resolves from
 * its own location (events/samples) are the same in both.
 */
export async function builtCli({ quiet = false } = {}) {
  const dir = join(BUILD, `cli-${buildKey()}`);
  const entry = join(dir, 'main.mjs');
  if (existsSync(entry)) return pathToFileURL(entry).href;
  const tmp = join(BUILD, `.cli-${process.pid}-${Date.now()}`);
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [ENTRY],
      outdir: tmp,
      entryNames: '[name]',
      outExtension: { '.js': '.mjs' },
      // Chunks beside the entry (same depth); split so each command loads only its own modules
      // (the AWS SDK clients only for the commands that call AWS).
      chunkNames: '[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      mainFields: ['module', 'main'],
      // zod, yaml and commander bundled: one file read instead of a hundred module resolutions.
      // The AWS SDK stays in node_modules (only AWS commands load it; bundling it would only make
      // the build slower and larger).
      external: ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*', 'virtual:validated-policy'],
      // CommonJS dependencies bundled into ES modules may call require() on Node built-ins.
      banner: {
        js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
      },
      // Less to parse at each start; names kept so an unexpected error's stack stays readable.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'silent',
    });
    mkdirSync(BUILD, { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another start built the same sources first: use its build.
      if (!existsSync(entry)) throw error;
    }
    return pathToFileURL(entry).href;
  } catch (error) {
    if (!quiet) process.stderr.write(`mlops-controller: CLI not built (${error.message}); running the sources\n`);
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `node functions/cli/build.mjs` (npm's prepare): build, and drop builds of older sources. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entry = await builtCli();
  if (!entry) process.exit(1);
  const current = relative(BUILD, dirname(fileURLToPath(entry)));
  for (const name of readdirSync(BUILD))
    if (name.startsWith('cli-') && name !== current) rmSync(join(BUILD, name), { recursive: true, force: true });
  process.stdout.write(`built ${relative(ROOT, fileURLToPath(entry))}\n`);
}
