/**
 * An earlier release of the controller, as a source tree of its own: the last commit whose
 * package.json carries that version, exported with `git archive` (the repository's worktrees and
 * branches stay untouched), run on the repository's node_modules when its lock file allows it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = process.cwd();

export interface OldVersion {
  version: string;
  commit: string;
  /** The exported tree, with node_modules linked to the repository's. */
  root: string;
}

const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const versionAt = (commit: string) =>
  (JSON.parse(git(['show', `${commit}:package.json`])) as { version: string }).version;

/**
 * The newest commit whose package.json says `version`: the parent of the commit that changed it
 * (the pickaxe lists the commits that added or removed the string, newest first).
 */
export function lastCommitOf(version: string): string {
  if (git(['rev-parse', '--is-shallow-repository']) === 'true')
    throw new Error(`the upgrade test needs the history back to ${version}: git fetch --unshallow`);
  const changes = git(['log', '--format=%H', `-S"version": "${version}"`, '--', 'package.json']).split('\n');
  for (const change of changes.filter(Boolean)) {
    if (versionAt(change) === version) continue; // the commit that introduced it
    const parent = git(['rev-parse', `${change}^`]);
    if (versionAt(parent) === version) return parent;
  }
  throw new Error(`no commit of this history leaves package.json at version ${version}`);
}

/** Files that import `name` (an ES import or a require) among the tree's sources. */
function importersOf(root: string, name: string): string[] {
  const pattern = new RegExp(`(from|import|require)\\s*\\(?\\s*['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(entry.name) && pattern.test(readFileSync(path, 'utf8')))
        out.push(path.slice(root.length + 1));
    }
  };
  for (const dir of ['functions', 'infra']) walk(join(root, dir));
  return out;
}

/**
 * Why the repository's node_modules cannot stand in for the old tree's own install: every package
 * its lock file pins must be installed at that version, or be one its sources never import.
 */
export function lockProblems(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; optional?: boolean }>;
  };
  const problems: string[] = [];
  for (const [path, { version, optional }] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || !version) continue;
    const manifest = join(ROOT, path, 'package.json');
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
      : undefined;
    if (installed === version) continue;
    // npm installs an optional package only on the platforms it names (native builds of other OSes).
    if (installed === undefined && optional) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // Nested copies are only reachable through their parent; a top-level package through an import.
    const used = path.indexOf('node_modules/', 1) > 0 || importersOf(root, name).length > 0;
    if (used) problems.push(`${path}: the old lock pins ${version}, node_modules has ${installed ?? 'nothing'}`);
  }
  return problems;
}

/** Exports `version`'s last commit into `dir`/v<version> and links the repository's node_modules. */
export function exportVersion(version: string, dir: string): OldVersion {
  const commit = lastCommitOf(version);
  const root = join(dir, `v${version}`);
  mkdirSync(root, { recursive: true });
  execFileSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${root}"`], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return { version, commit, root };
}

/**
 * The old version's own CLI (its bin.mjs builds it with esbuild into the tree's build/ first), with
 * `env` for the AWS SDK: its stdout, or the error with both streams.
 */
export async function runCli(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'functions', 'cli', 'bin.mjs'), ...args],
      {
        cwd: root,
        env,
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`mlops-controller ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, {
      cause: error,
    });
  }
}
