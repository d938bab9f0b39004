/**
 * Builds every function listed in serverless.yml the way `osls package` does: the esbuild options
 * are read from serverless.yml's custom.esbuild (serverless-esbuild's own keys removed, its
 * `exclude`/`outputFileExtension`/`plugins` translated the way it translates them), so the bench
 * measures the bundles that ship. `metafile: true` says what each bundle is made of.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { contributors } from './stats';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** serverless-esbuild options that are not esbuild's (its bundle.js removes these before building). */
const PLUGIN_ONLY = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'plugins',
  'config',
];

export interface FunctionEntry {
  /** The function's key in serverless.yml (dataArrived, ...). */
  name: string;
  /** functions/handlers/data-arrived.ts */
  entry: string;
  /** The exported handler's name. */
  exportName: string;
}

interface ServerlessFile {
  functions?: Record<string, { handler?: string }>;
  custom?: { esbuild?: Record<string, unknown> };
}

function readServerless(root: string): ServerlessFile {
  // CloudFormation tags (!Sub, !Ref) only appear in fields we do not read: stay quiet about them.
  return parseYaml(readFileSync(join(root, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as ServerlessFile;
}

/** Every function in serverless.yml with its TypeScript entry point. */
export function serverlessFunctions(root = repoRoot): FunctionEntry[] {
  return Object.entries(readServerless(root).functions ?? {}).map(([name, fn]) => {
    if (!fn.handler) throw new Error(`serverless.yml: functions.${name} has no handler`);
    const dot = fn.handler.lastIndexOf('.');
    const base = fn.handler.slice(0, dot);
    const entry = ['.ts', '.mts', '.js', '.mjs'].map((ext) => base + ext).find((f) => existsSync(join(root, f)));
    if (!entry) throw new Error(`serverless.yml: functions.${name}.handler: no source file for ${base}`);
    return { name, entry, exportName: fn.handler.slice(dot + 1) };
  });
}

/** custom.esbuild as the esbuild options serverless-esbuild would pass (its defaults included). */
export function esbuildOptions(root = repoRoot): esbuild.BuildOptions {
  const custom = readServerless(root).custom?.esbuild ?? {};
  const withDefaults: Record<string, unknown> = {
    bundle: true,
    target: 'node18',
    platform: 'node',
    outputFileExtension: '.js',
    exclude: ['aws-sdk'],
    ...custom,
  };
  const options: Record<string, unknown> = Object.fromEntries(
    Object.entries(withDefaults).filter(([key]) => !PLUGIN_ONLY.includes(key)),
  );
  const exclude = ((withDefaults.exclude as string[] | undefined) ?? []).filter((e) => typeof e === 'string');
  options.external = [
    ...((withDefaults.external as string[] | undefined) ?? []),
    ...(exclude.includes('*') ? [] : exclude),
  ];
  if (withDefaults.outputFileExtension !== '.js') options.outExtension = { '.js': withDefaults.outputFileExtension };
  if (typeof custom.plugins === 'string') {
    // serverless-esbuild `require`s the plugins file from the service directory.
    // A function export is called with the Serverless instance; without one it builds for the
    // example policy, controller.yml.
    const loaded = createRequire(join(root, 'package.json'))(join(root, custom.plugins));
    const plugins = loaded.default ?? loaded;
    options.plugins = typeof plugins === 'function' ? plugins(undefined) : plugins;
  }
  return options as esbuild.BuildOptions;
}

export interface BundleReport {
  name: string;
  file: string;
  /** Minified .mjs bytes: what the zip holds (uncompressed). */
  bytes: number;
  top: Array<{ name: string; bytes: number }>;
}

/** Builds each function into `outDir/<name>/` with a metafile beside it. */
export async function buildBundles(outDir: string, root = repoRoot): Promise<BundleReport[]> {
  rmSync(outDir, { recursive: true, force: true });
  const options = esbuildOptions(root);
  const reports: BundleReport[] = [];
  for (const fn of serverlessFunctions(root)) {
    const dir = join(outDir, fn.name);
    mkdirSync(dir, { recursive: true });
    const result = await esbuild.build({
      ...options,
      absWorkingDir: root,
      entryPoints: [fn.entry],
      outdir: dir,
      metafile: true,
      logLevel: 'silent',
    });
    const [file, output] = Object.entries(result.metafile.outputs).find(([f]) => !f.endsWith('.map'))!;
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(result.metafile));
    reports.push({ name: fn.name, file: join(root, file), bytes: output.bytes, top: contributors(output.inputs, 12) });
  }
  return reports;
}
