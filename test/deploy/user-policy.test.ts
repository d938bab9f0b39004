/**
 * A team's own policy, in a directory of its own outside the repository, packaged and deployed as
 * the README says (`osls package|deploy --param="policy=<file>"`) into a moto server of its own:
 * the template's rules and roles, the deployed resources and the bundled policy all come from that
 * file, and nothing from the repository's example controller.yml reaches the stack.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { resourcesOfType } from './support/intrinsics';
import { clients, LIVE, type Clients } from './support/live-checks';
import { deployStack, packageWithPolicy, type DeployedStack, type PackagedStack } from './support/stack';

const BUDGET_MS = 600_000;
const TEAM_POLICY = `
version: 1
controller:
  accounts: ['123456789012']
  regions: [us-east-1]
  manifests: { bucket: fraud-team-artifacts }
retraining:
  - name: fraud
    source: { bucket: fraud-team-landing, prefix: transactions/ }
    target: { type: codepipeline, name: fraud-retrain }
    trigger: { marker: _SUCCESS }
gates:
  - name: fraud-quality
    modelPackageGroup: fraud-models
    checks:
      - { metric: auc, from: CustomerMetadataProperties, path: auc, min: 0.8 }
`;
/** Names only the repository's controller.yml uses. */
const EXAMPLE_NAMES = ['acme-ml-data', 'acme-ml-artifacts', 'churn-retrain', 'churn-models', 'ranking-training'];

let policyDir: string;
let packaged: PackagedStack;
let stack: DeployedStack;
let c: Clients;

beforeAll(async () => {
  policyDir = mkdtempSync(join(tmpdir(), 'team-policy-'));
  writeFileSync(join(policyDir, 'fraud.yml'), TEAM_POLICY);
  packaged = await packageWithPolicy(join(policyDir, 'fraud.yml'));
  stack = await deployStack(packaged);
  c = clients(stack.clientConfig);
}, BUDGET_MS);

afterAll(async () => {
  await stack?.stop();
  packaged?.remove();
  rmSync(policyDir, { recursive: true, force: true });
}, 60_000);

const statements = (role: string) =>
  packaged.template.Resources[role]!.Properties.Policies[0].PolicyDocument.Statement as Array<{
    Sid: string;
    Resource: unknown;
  }>;

describe('osls package --param="policy=<a file outside the repository>"', () => {
  it('is given a policy file outside the repository', () => {
    expect(relative(process.cwd(), policyDir)).toMatch(/^\.\.\//);
    expect(packaged.params).toEqual([`--param=policy=${join(policyDir, 'fraud.yml')}`]);
  });

  it("builds the rules and roles from that file and nothing from the repository's controller.yml", () => {
    const text = JSON.stringify(packaged.template);
    expect(EXAMPLE_NAMES.filter((name) => text.includes(name))).toEqual([]);
    const rule = (name: string) =>
      resourcesOfType(packaged.template, 'AWS::Events::Rule').find(
        ([, p]) => p.Name === `mlops-controller-dev-${name}`,
      )!;
    expect(rule('data-arrived')[1].EventPattern.detail).toEqual({
      bucket: { name: ['fraud-team-landing'] },
      object: { key: [{ prefix: 'transactions/' }] },
    });
    expect(rule('codepipeline-finished')[1].EventPattern.detail.pipeline).toEqual(['fraud-retrain']);
    expect(JSON.stringify(rule('registry-gate')[1].EventPattern)).toContain('fraud-models');
    expect(statements('DataArrivedRole').find((s) => s.Sid === 'StartCodePipelines')!.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:fraud-retrain' },
    ]);
    expect(statements('DataArrivedRole').find((s) => s.Sid === 'WriteManifests')!.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:s3:::fraud-team-artifacts/mlops-controller/manifests/*',
    });
  });

  it('bundles that policy, validated, into the functions', () => {
    const unpacked = mkdtempSync(join(tmpdir(), 'team-bundle-'));
    try {
      execFileSync('unzip', ['-q', join(packaged.dir, 'dataArrived.zip'), '-d', unpacked]);
      const [bundle] = readdirSync(join(unpacked, 'functions', 'handlers'));
      const code = readFileSync(join(unpacked, 'functions', 'handlers', bundle!), 'utf8');
      expect(code).toContain('fraud-team-landing');
      // Defaults applied at package time: the bundle carries the validated policy, not the text.
      expect(code).toContain('MANIFEST_URI');
      expect(EXAMPLE_NAMES.filter((name) => code.includes(name))).toEqual([]);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });
});

describe('osls deploy of that package into moto', () => {
  it('deploys every resource with the settings the template declares', async () => {
    const problems: string[] = [];
    for (const type of Object.keys(LIVE))
      for (const [id, props] of resourcesOfType(packaged.template, type))
        for (const p of await LIVE[type]!(id)(props, c, stack)) problems.push(`${id}: ${p}`);
    expect(problems).toEqual([]);
  });

  it("the deployed rule matches the team's bucket and the deployed role starts only the team's pipeline", async () => {
    const { EventPattern } = await c.events.send(
      new DescribeRuleCommand({ Name: 'mlops-controller-dev-data-arrived' }),
    );
    expect(JSON.parse(EventPattern!).detail.bucket).toEqual({ name: ['fraud-team-landing'] });
    const role = stack.resources.get('DataArrivedRole')!.physicalId;
    const { PolicyDocument } = await c.iam.send(
      new GetRolePolicyCommand({ RoleName: role, PolicyName: 'dataArrived' }),
    );
    const document = decodeURIComponent(PolicyDocument!);
    expect(document).toContain(':123456789012:fraud-retrain');
    expect(EXAMPLE_NAMES.filter((name) => document.includes(name))).toEqual([]);
  });
});
