/** The CLI as a user starts it: `node functions/cli/bin.mjs`, the file package.json's `bin` names. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['functions/cli/bin.mjs', ...args], { encoding: 'utf8' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mlops-controller start-up', () => {
  it("--version prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(cli('--version').stdout).toBe(`${version}\n`);
  });

  it('runs the esbuild build of the current sources, built once and then reused', () => {
    const script =
      "const { builtCli } = await import('./functions/cli/build.mjs'); process.stdout.write(await builtCli());";
    const first = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(first).toMatch(/\/build\/cli-[0-9a-f]{16}\/main\.mjs$/);
    expect(existsSync(fileURLToPath(first))).toBe(true);
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })).toBe(first);
  });

  it('--help lists the global AWS options once, with what they default to', () => {
    const help = cli('--help').stdout;
    expect(help).toMatch(/--region <region> +AWS region of the stack \(default: the SDK's: AWS_REGION/);
    expect(help).toMatch(
      /--profile <name> +AWS profile for the commands that call AWS \(default: the SDK's: AWS_PROFILE\)/,
    );
  });
});

describe('validate: what one stack cannot serve', () => {
  const policy = readFileSync('controller.yml', 'utf8');

  it('rejects several accounts and regions with the path and the reason', () => {
    const file = join(dir, 'multi.yml');
    writeFileSync(
      file,
      policy
        .replace("accounts: ['123456789012']", "accounts: ['123456789012', '111122223333']")
        .replace("regions: ['us-east-1']", 'regions: [us-east-1, eu-west-1]'),
    );
    const run = cli('validate', file);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'controller.accounts: lists 2 accounts (123456789012, 111122223333), but one stack acts only in the account it is deployed to',
    );
    expect(run.stderr).toContain('controller.regions: lists 2 regions (us-east-1, eu-west-1)');
  });

  it('--region names the stack region the policy must list', () => {
    const run = cli('--region', 'eu-west-1', 'validate', 'controller.yml');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("controller.regions: us-east-1 does not include eu-west-1, the stack's region");
    expect(cli('--region', 'us-east-1', 'validate', 'controller.yml').status).toBe(0);
  });
});
