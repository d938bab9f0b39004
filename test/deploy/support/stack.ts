/**
 * The packaged stack deployed with the real `osls deploy --package` into a moto server of its own
 * (other test layers' state cannot leak in, and its teardown cannot disturb them).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { startMoto, stopMoto, type MotoHandle } from '../../support/moto-server';
import { PACKAGE_DIR, packagedTemplate } from '../../support/packaged-template';
import type { Deployed } from './intrinsics';

const ROOT = process.cwd();
/** The template and zips are packaged for osls's defaults; the deploy names the same stage. */
const STAGE = 'dev';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012'; // moto's default account
/** osls deploys in ≈20-35 s here; a hang is caught long before jest's own timeout. */
const DEPLOY_TIMEOUT_MS = 240_000;
/** What `osls deploy` reads besides the package: the service file and what it references. */
const SERVICE_FILES = ['serverless.yml', 'controller.yml', 'package.json'];
const SERVICE_DIRS = ['node_modules', 'infra', 'events', 'functions'];

export interface DeployedStack extends Deployed {
  endpoint: string;
  template: ReturnType<typeof packagedTemplate>;
  /** A private copy of the packaged output (the zips the functions run from). */
  packageDir: string;
  deployMs: number;
  /** Resources moto's CloudFormation listed with no type or id: the ones it skipped. */
  skipped: number;
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
    maxAttempts: number;
  };
  /**
   * `osls deploy` of another package over this one, into the same moto: a CloudFormation stack
   * update of the same stack. The stack it returns shares this one's moto and `stop`.
   */
  update(packaged: PackagedStack): Promise<DeployedStack>;
  stop(): Promise<void>;
}

/**
 * A service directory of its own: links to the sources of `root` (the repository, or an older
 * version's tree), copies of the files osls lists.
 */
function scratchService(root = ROOT): string {
  const serviceDir = mkdtempSync(join(tmpdir(), 'deploy-'));
  // osls finds its service file by a directory listing that does not follow symlinks: copy files.
  for (const file of SERVICE_FILES) cpSync(join(root, file), join(serviceDir, file));
  for (const dir of SERVICE_DIRS) symlinkSync(join(root, dir), join(serviceDir, dir));
  return serviceDir;
}

const osls = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), ...args], {
    cwd,
    env,
    timeout: DEPLOY_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });

export interface PackagedStack {
  /** The `osls package` output: template and function zips. */
  dir: string;
  template: ReturnType<typeof packagedTemplate>;
  /** The `--param` values it was packaged with; the deploy passes the same ones. */
  params: string[];
  /** The service it was packaged from (the repository, or an older version's tree). */
  root: string;
  remove(): void;
}

/**
 * `osls package --param="policy=<file>"` as a user runs it, in a scratch service directory (its
 * own .esbuild and .serverless, so the repository's package stays for the other test files), from
 * the repository or from `root`, another version's tree.
 */
export async function packageWithPolicy(policyFile: string, root = ROOT): Promise<PackagedStack> {
  const serviceDir = scratchService(root);
  const dir = join(serviceDir, 'package');
  const params = [`--param=policy=${policyFile}`];
  try {
    await osls(['package', '--package', dir, '--stage', STAGE, '--region', REGION, ...params], serviceDir, {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    });
  } catch (error) {
    rmSync(serviceDir, { recursive: true, force: true });
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`osls package failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { dir, template, params, root, remove: () => rmSync(serviceDir, { recursive: true, force: true }) };
}

const stackName = `mlops-controller-${STAGE}`;

function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // osls waits this long between stack/change-set polls (5 s by default, sized for real
    // CloudFormation); moto answers at once, so the default is most of the deploy's time.
    SLS_AWS_MONITORING_FREQUENCY: '250',
  };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'MOTO_ENDPOINT']) delete env[name];
  return env;
}

/**
 * `osls deploy --package` of `source` into the moto at `endpoint`, from a scratch service directory
 * of `root`'s files: a create when the stack is new, a CloudFormation stack update when it exists.
 * osls deletes <service>/.serverless after a deploy, whatever --package names: the service directory
 * holds a copy of the package (kept as `packageDir`: the zips the functions run from).
 */
async function oslsDeploy(
  endpoint: string,
  source: string,
  root: string,
  params: string[],
): Promise<{ serviceDir: string; packageDir: string; deployMs: number }> {
  const serviceDir = scratchService(root);
  const packageDir = join(serviceDir, 'package');
  cpSync(source, packageDir, { recursive: true });
  cpSync(source, join(serviceDir, '.serverless'), { recursive: true });
  const started = Date.now();
  try {
    await osls(
      ['deploy', '--package', packageDir, '--stage', STAGE, '--region', REGION, ...params],
      serviceDir,
      motoEnv(endpoint),
    );
  } catch (error) {
    rmSync(serviceDir, { recursive: true, force: true });
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`osls deploy failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
  return { serviceDir, packageDir, deployMs: Date.now() - started };
}

function clientConfigFor(endpoint: string): DeployedStack['clientConfig'] {
  return {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    forcePathStyle: true as const,
    maxAttempts: 1,
  };
}

async function stackResources(
  clientConfig: DeployedStack['clientConfig'],
): Promise<{ resources: Deployed['resources']; skipped: number }> {
  const resources = new Map<string, { type: string; physicalId: string }>();
  let skipped = 0;
  const cfn = new CloudFormationClient(clientConfig);
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    for (const r of page.StackResourceSummaries ?? [])
      if (r.LogicalResourceId)
        resources.set(r.LogicalResourceId, { type: r.ResourceType ?? '', physicalId: r.PhysicalResourceId ?? '' });
      else skipped += 1;
    NextToken = page.NextToken;
  } while (NextToken);
  cfn.destroy();
  return { resources, skipped };
}

/**
 * Deploys `packaged` (default: the repository's own package, for controller.yml, which the unit
 * layer's template tests read and which is reused when fresh).
 */
export async function deployStack(packaged?: PackagedStack): Promise<DeployedStack> {
  const template = packaged?.template ?? packagedTemplate();
  const source = packaged?.dir ?? PACKAGE_DIR;
  const serviceDirs: string[] = [];
  let moto: { handle: MotoHandle } | undefined;
  const stop = async () => {
    if (moto) await stopMoto(moto.handle.pid, moto.handle.logFile);
    for (const dir of serviceDirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    moto = await startMoto();
    const endpoint = moto.handle.endpoint;
    const clientConfig = clientConfigFor(endpoint);
    const deployed = async (pkg: {
      template: DeployedStack['template'];
      source: string;
      root: string;
      params: string[];
    }): Promise<DeployedStack> => {
      const { serviceDir, packageDir, deployMs } = await oslsDeploy(endpoint, pkg.source, pkg.root, pkg.params);
      serviceDirs.push(serviceDir);
      const { resources, skipped } = await stackResources(clientConfig);
      return {
        endpoint,
        template: pkg.template,
        packageDir,
        deployMs,
        skipped,
        clientConfig,
        region: REGION,
        accountId: ACCOUNT,
        stackName,
        resources,
        stop,
        update: (next) => deployed({ template: next.template, source: next.dir, root: next.root, params: next.params }),
      };
    };
    return await deployed({ template, source, root: packaged?.root ?? ROOT, params: packaged?.params ?? [] });
  } catch (error) {
    await stop();
    throw error;
  }
}
