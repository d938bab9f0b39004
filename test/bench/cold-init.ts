/**
 * P1: cold init as a fresh process pays it, measured from outside (spawn to exit, wall clock):
 * - each bundle: `node` imports the built .mjs and calls `handler.ready()`, which validates the
 *   environment, loads the bundled policy and constructs the function's SDK clients and workflow
 *   (what the first invocation does before it reads its event). No AWS call is made;
 * - `python3 -c "import boto3; boto3.client('sagemaker', region_name='us-east-1')"`, what the
 *   reference AWS MLOps samples' Python functions pay;
 * - `node -e 0`, the floor.
 * Runs are interleaved (one of each subject per round) so machine noise hits all alike; medians.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median } from './stats';

export interface Subject {
  name: string;
  command: string;
  args: string[];
}

export interface ColdInitResult {
  name: string;
  runs: number;
  medianMs: number;
  samplesMs: number[];
  /** For bundles: median in-process split of import and ready(), from the child's own clock. */
  importMs?: number;
  readyMs?: number;
}

/** Imports a bundle and builds its clients; prints the in-process split as JSON. */
const PROBE = `
const t0 = performance.now();
const m = await import(process.argv[1]);
const t1 = performance.now();
if (typeof m.handler?.ready !== 'function') throw new Error('handler.ready is not a function');
await m.handler.ready();
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t2 - t1 }));
`;

export function bundleSubject(name: string, file: string): Subject {
  return { name, command: process.execPath, args: ['--input-type=module', '-e', PROBE, pathToFileURL(file).href] };
}

export const boto3Subject: Subject = {
  name: 'python3 boto3 sagemaker client',
  command: 'python3',
  args: ['-c', "import boto3; boto3.client('sagemaker', region_name='us-east-1')"],
};

export const bareNodeSubject: Subject = { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] };

/**
 * A Lambda-like environment: region, static credentials (as the Lambda runtime provides them), the
 * function's variables. Nothing from the developer's shell (no profile, no endpoints).
 */
export function lambdaLikeEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    STATE_TABLE: 'bench-state',
    POWERTOOLS_SERVICE_NAME: 'mlops-controller',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

function runOnce(subject: Subject): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(subject.command, subject.args, { env: lambdaLikeEnv(), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`${subject.name}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${subject.name}: exit ${result.status}\n${result.stderr.slice(-2000)}`);
  return { ms, stdout: result.stdout };
}

/** One warm-up run each (file cache), then `runs` interleaved rounds. */
export function measureColdInit(subjects: Subject[], runs: number): ColdInitResult[] {
  for (const s of subjects) runOnce(s);
  const samples = subjects.map(() => [] as number[]);
  const splits = subjects.map(() => [] as Array<{ importMs: number; readyMs: number }>);
  for (let round = 0; round < runs; round++)
    subjects.forEach((s, i) => {
      const { ms, stdout } = runOnce(s);
      samples[i]!.push(ms);
      if (stdout.startsWith('{')) splits[i]!.push(JSON.parse(stdout));
    });
  return subjects.map((s, i) => {
    const split = splits[i]!;
    return {
      name: s.name,
      runs,
      medianMs: median(samples[i]!),
      samplesMs: samples[i]!.map((v) => Math.round(v * 10) / 10),
      ...(split.length
        ? { importMs: median(split.map((x) => x.importMs)), readyMs: median(split.map((x) => x.readyMs)) }
        : {}),
    };
  });
}
