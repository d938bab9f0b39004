/**
 * What osls resolves from the `policy` param (serverless.yml custom.policy): infra/iam.cjs's
 * variable functions and the esbuild plugins, called as osls and serverless-esbuild call them.
 * In a child process: iam.cjs loads the schema through tsx's require hook, which jest intercepts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicyText } from '../../../functions/config/policy';

const ROOT = process.cwd();
const TEAM_POLICY = `
version: 1
controller:
  accounts: ['210987654321']
  regions: [eu-west-1]
  manifests: { bucket: team-artifacts }
retraining:
  - name: fraud
    source: { bucket: team-landing, prefix: tx/ }
    target: { type: sagemaker, name: fraud-training }
    trigger: { maxObjects: 10 }
`;

/** Runs `body` with `iam`, `plugins` and `resolvers(policy, region)` in scope; prints its result. */
function resolveInChild(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    const iam = require(${JSON.stringify(join(ROOT, 'infra', 'iam.cjs'))});
    const plugins = require(${JSON.stringify(join(ROOT, 'infra', 'esbuild-plugins.cjs'))});
    const resolvers = (policy, region) => ({
      resolveConfigurationProperty: async ([section, key]) =>
        section === 'custom' && key === 'policy' ? policy : section === 'provider' && key === 'region' ? region : undefined,
    });
    (async () => { process.stdout.write(JSON.stringify(await (async () => { ${body} })())); })().catch((e) => {
      process.stderr.write(e.message);
      process.exit(1);
    });
  `;
  return spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
}

let dir: string;
let teamFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'policy-param-'));
  teamFile = join(dir, 'team.yml');
  writeFileSync(teamFile, TEAM_POLICY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the policy param (osls --param="policy=<file>")', () => {
  it("without it, the stack is built from the repository's example, controller.yml", () => {
    const run = resolveInChild(`return iam.sourceBucketArns(resolvers('controller.yml', 'us-east-1'));`);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::acme-ml-data' }]);
  });

  it('a file outside the repository gives the rules, the roles and the allowed senders', () => {
    const run = resolveInChild(`
      const r = resolvers(${JSON.stringify(teamFile)}, 'eu-west-1');
      const roles = await iam.roles(r);
      return {
        pattern: (await iam.patterns(r)).dataArrived.detail,
        sageMaker: (await iam.patterns(r)).sageMakerFinished.detail.pipelineArn,
        senders: await iam.sourceBucketArns(r),
        accounts: await iam.sourceAccounts(r),
        start: roles.DataArrivedRole.Properties.Policies[0].PolicyDocument.Statement.find((s) => s.Sid === 'StartSageMakerPipelines').Resource,
      };
    `);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      pattern: { bucket: { name: ['team-landing'] }, object: { key: [{ prefix: 'tx/' }] } },
      sageMaker: [{ suffix: { 'equals-ignore-case': ':pipeline/fraud-training' } }],
      senders: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::team-landing' }],
      accounts: ['210987654321'],
      start: [
        {
          'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:pipeline/fraud-training',
        },
      ],
    });
  });

  it('the functions bundle the same file, validated (serverless-esbuild calls the plugins with the instance)', () => {
    const out = join(dir, 'out');
    const run = resolveInChild(`
      const esbuild = require('esbuild');
      await esbuild.build({
        entryPoints: [${JSON.stringify(join(ROOT, 'functions', 'config', 'bundling', 'bundled-policy.ts'))}],
        bundle: true, format: 'esm', platform: 'node', outfile: ${JSON.stringify(join(out, 'policy.mjs'))},
        plugins: plugins({ service: { custom: { policy: ${JSON.stringify(teamFile)} }, provider: { region: 'eu-west-1' } } }),
        logLevel: 'silent',
      });
      return (await import(${JSON.stringify(join(out, 'policy.mjs'))})).bundledPolicy();
    `);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(parsePolicyText(TEAM_POLICY));
  });

  it('a policy for another region fails packaging with the file, the path and what to do', () => {
    const run = resolveInChild(`return iam.roles(resolvers(${JSON.stringify(teamFile)}, 'us-east-1'));`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${teamFile}: policy is invalid:`);
    expect(run.stderr).toContain(
      "controller.regions: eu-west-1 does not include us-east-1, the stack's region, so the stack would ignore every event: deploy with --region eu-west-1",
    );
  });

  it('a policy listing several accounts fails packaging: one stack acts in one account', () => {
    const file = join(dir, 'two-accounts.yml');
    writeFileSync(file, TEAM_POLICY.replace("['210987654321']", "['210987654321', '123456789012']"));
    const run = resolveInChild(`return iam.patterns(resolvers(${JSON.stringify(file)}, 'eu-west-1'));`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('controller.accounts: lists 2 accounts (210987654321, 123456789012)');
  });

  it("a relative path is the user's, from the directory osls runs in", () => {
    const copy = join(dir, 'relative.yml');
    writeFileSync(copy, readFileSync(teamFile, 'utf8'));
    const script = `process.stdout.write(require(${JSON.stringify(join(ROOT, 'infra', 'iam.cjs'))}).policyFile('relative.yml'))`;
    expect(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' })).toBe(copy);
  });
});
