import { parse as parseYaml } from 'yaml';
import {
  followVerdict,
  ownRedeployment,
  platformOf,
  redeployDescription,
  redeployNeed,
  redeployOf,
  redeployVerdict,
  vanishedVerdict,
  type RedeployFacts,
} from '../../../functions/domain/redeploy';
import { AwsCallError } from '../../../functions/domain/errors';
import type { DeploymentInfo } from '../../../functions/domain/rollback';

const good = (computePlatform: string | undefined, revision: unknown): DeploymentInfo => ({
  id: 'd-GOOD00001',
  status: 'Succeeded',
  createTime: '2026-11-20T10:00:00.000Z',
  revision,
  ...(computePlatform ? { computePlatform } : {}),
});

const s3 = (location: Record<string, string>) => ({
  revisionType: 'S3',
  s3Location: { bucket: 'acme-deploy', key: 'churn/app.zip', bundleType: 'zip', ...location },
});

const LAMBDA_YAML = `version: 0.0
Resources:
  - churnModel:
      Type: AWS::Lambda::Function
      Properties:
        Name: "churn-predict"
        Alias: "live"
        CurrentVersion: "2"
        TargetVersion: "3"
Hooks:
  - BeforeAllowTraffic: "CodeDeployHook_churnBefore"
  - AfterAllowTraffic: "CodeDeployHook_churnAfter"
`;
// As CodeDeploy's AppSpec reference writes it in JSON: `"version": 0.0`.
const LAMBDA_JSON = `{
  "version": 0.0,
  "Resources": [
    {
      "churnModel": {
        "Type": "AWS::Lambda::Function",
        "Properties": { "Name": "churn-predict", "Alias": "live", "CurrentVersion": "2", "TargetVersion": "3" }
      }
    }
  ],
  "Hooks": [{ "BeforeAllowTraffic": "CodeDeployHook_churnBefore" }]
}`;
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/churn-serve:7';
const ECS_YAML = `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "${TASK_DEF}"
        LoadBalancerInfo:
          ContainerName: "churn"
          ContainerPort: 8080
`;
const inline = (content: string) => ({ revisionType: 'AppSpecContent', appSpecContent: { content } });

describe('redeploy per compute platform', () => {
  // [case, platform, revision, facts, expected kind, reason fragment]
  const table: Array<[string, string | undefined, unknown, RedeployFacts, string, RegExp]> = [
    ['Server S3 pinned by version', 'Server', s3({ version: 'v-3Lq' }), {}, 'create', /pinned/],
    ['Server S3 pinned by eTag', 'Server', s3({ eTag: '"9b2cf535f27731c974343645a3985328"' }), {}, 'create', /pinned/],
    ['Server S3 without version or eTag', 'Server', s3({}), {}, 'refuse', /neither an S3 object version nor an ETag/],
    [
      'Server GitHub with commit',
      'Server',
      { revisionType: 'GitHub', gitHubLocation: { repository: 'acme/churn', commitId: 'a'.repeat(40) } },
      {},
      'create',
      /pinned/,
    ],
    [
      'Server GitHub without commit',
      'Server',
      { revisionType: 'GitHub', gitHubLocation: { repository: 'acme/churn' } },
      {},
      'refuse',
      /no commitId/,
    ],
    ['Server with an inline AppSpec', 'Server', inline(LAMBDA_YAML), {}, 'refuse', /S3 or GitHub/],
    [
      'Lambda, live version differs',
      'Lambda',
      inline(LAMBDA_YAML),
      { liveVersion: '4' },
      'create',
      /from live version 4 back to 3/,
    ],
    ['Lambda JSON AppSpec', 'Lambda', inline(LAMBDA_JSON), { liveVersion: '4' }, 'create', /back to 3/],
    [
      'Lambda, alias already on the good version',
      'Lambda',
      inline(LAMBDA_YAML),
      { liveVersion: '3' },
      'nothing',
      /already serves version 3/,
    ],
    ['Lambda, alias gone', 'Lambda', inline(LAMBDA_YAML), { liveVersion: null }, 'refuse', /does not exist/],
    ['Lambda AppSpec in S3', 'Lambda', s3({ bundleType: 'YAML', key: 'appspec.yml' }), {}, 'refuse', /stored in S3/],
    [
      'Lambda AppSpec that is no AppSpec',
      'Lambda',
      inline('{ not: [valid'),
      {},
      'refuse',
      /neither JSON nor block-style YAML/,
    ],
    ['ECS, task definition ACTIVE', 'ECS', inline(ECS_YAML), { taskDefinitionStatus: 'ACTIVE' }, 'create', /is ACTIVE/],
    [
      'ECS, task definition INACTIVE',
      'ECS',
      inline(ECS_YAML),
      { taskDefinitionStatus: 'INACTIVE' },
      'refuse',
      /INACTIVE, not ACTIVE/,
    ],
    ['ECS, task definition gone', 'ECS', inline(ECS_YAML), { taskDefinitionStatus: null }, 'refuse', /does not exist/],
    [
      'platform unknown',
      undefined,
      { revisionType: 'String', string: { content: 'v3' } },
      {},
      'refuse',
      /compute platform/,
    ],
  ];

  it.each(table)('%s', (_, platform, revision, facts, kind, reason) => {
    const verdict = redeployVerdict(redeployNeed(good(platform, revision)), facts);
    expect(verdict.kind).toBe(kind);
    expect(verdict.reason).toMatch(reason);
  });

  it('resubmits a pinned Server revision and an ECS revision verbatim', () => {
    const rev = s3({ version: 'v-3Lq' });
    expect(redeployVerdict(redeployNeed(good('Server', rev)), {})).toMatchObject({ kind: 'create', revision: rev });
    const ecs = inline(ECS_YAML);
    expect(redeployVerdict(redeployNeed(good('ECS', ecs)), { taskDefinitionStatus: 'ACTIVE' })).toMatchObject({
      revision: ecs,
    });
  });

  it('asks for the alias the good AppSpec names and its TargetVersion', () => {
    expect(redeployNeed(good('Lambda', inline(LAMBDA_YAML)))).toMatchObject({
      kind: 'lambda',
      functionName: 'churn-predict',
      alias: 'live',
      targetVersion: '3',
    });
    expect(redeployNeed(good('ECS', inline(ECS_YAML)))).toMatchObject({ kind: 'ecs', taskDefinition: TASK_DEF });
  });

  it.each([
    ['YAML', LAMBDA_YAML],
    ['JSON', LAMBDA_JSON],
  ])('builds a %s AppSpec with CurrentVersion = the live version, the good TargetVersion, hooks kept', (_, text) => {
    const verdict = redeployVerdict(redeployNeed(good('Lambda', inline(text))), { liveVersion: '4' });
    if (verdict.kind !== 'create') throw new Error(verdict.reason);
    const revision = verdict.revision as { revisionType: string; appSpecContent: { content: string } };
    expect(revision.revisionType).toBe('AppSpecContent');
    const content = revision.appSpecContent.content;
    const spec = parseYaml(content);
    const original = parseYaml(text);
    expect(spec.Resources[0].churnModel.Properties).toEqual({
      Name: 'churn-predict',
      Alias: 'live',
      CurrentVersion: '4',
      TargetVersion: '3',
    });
    expect(spec.Hooks).toEqual(original.Hooks);
    // CodeDeploy reads AppSpec version 0.0; the document keeps its own spelling of it.
    expect(content).toMatch(/version"?: 0\.0/);
    if (text.startsWith('{')) expect(() => JSON.parse(content)).not.toThrow();
  });

  it('refuses an AppSpec with two Lambda functions (CodeDeploy deploys one)', () => {
    const spec = parseYaml(LAMBDA_YAML);
    spec.Resources.push({ other: spec.Resources[0].churnModel });
    expect(redeployNeed(good('Lambda', inline(JSON.stringify(spec))))).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/has 2 resources/),
    });
  });

  it.each([
    ['the field CodeDeploy reports', good('ECS', inline(LAMBDA_YAML)), 'ECS'],
    ['a Lambda AppSpec', good(undefined, inline(LAMBDA_YAML)), 'Lambda'],
    ['an ECS AppSpec', good(undefined, inline(ECS_YAML)), 'ECS'],
    ['a GitHub revision', good(undefined, { revisionType: 'GitHub', gitHubLocation: {} }), 'Server'],
    ['an S3 zip bundle', good(undefined, s3({})), 'Server'],
    ['an S3 AppSpec file', good(undefined, s3({ bundleType: 'JSON' })), undefined],
  ])('tells the platform from %s', (_, d, platform) => {
    expect(platformOf(d)).toBe(platform);
  });
});

describe('AppSpec forms the redeploy reads, and the ones it refuses to guess at', () => {
  const lambda = (text: string, live = '4') =>
    redeployVerdict(redeployNeed(good('Lambda', inline(text))), { liveVersion: live });
  const props = (text: string) => {
    const v = lambda(text);
    if (v.kind !== 'create') throw new Error(v.reason);
    return parseYaml((v.revision as { appSpecContent: { content: string } }).appSpecContent.content).Resources[0]
      .churnModel.Properties;
  };

  it('reads single quotes, bare numbers and trailing comments', () => {
    const text = LAMBDA_YAML.replace('"churn-predict"', "'churn-predict'  # the model")
      .replace('TargetVersion: "3"', 'TargetVersion: 3')
      .replace('Alias: "live"', 'Alias: live');
    expect(props(text)).toEqual({ Name: 'churn-predict', Alias: 'live', CurrentVersion: '4', TargetVersion: '3' });
  });

  it('adds CurrentVersion when the good AppSpec had none', () => {
    expect(props(LAMBDA_YAML.replace(/ +CurrentVersion: "2"\n/, ''))).toEqual({
      Name: 'churn-predict',
      Alias: 'live',
      CurrentVersion: '4',
      TargetVersion: '3',
    });
  });

  it.each([
    [
      'flow-style YAML',
      'version: 0.0\nResources:\n  - churnModel: {Type: AWS::Lambda::Function, Properties: {Name: f, Alias: a, TargetVersion: "3"}}\n',
    ],
    ['a field given twice', LAMBDA_YAML.replace('Alias: "live"', 'Alias: "live"\n        Alias: "canary"')],
    ['no Resources', 'version: 0.0\nHooks: []\n'],
  ])('refuses %s', (_, text) => {
    expect(lambda(text)).toMatchObject({ kind: 'refuse' });
  });
});

describe('the controller finds its own redeployment again', () => {
  const d = (id: string, status: string, minute: number, description?: string): DeploymentInfo => ({
    id,
    status,
    createTime: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`,
    ...(description ? { description } : {}),
  });
  const mine = redeployDescription(
    'alarm churn-errors in ALARM since 2026-11-22T10:00:00.000Z',
    'd-BAD000002',
    'd-GOOD00001',
  );

  it('reads back the bad and good deployments its description names', () => {
    expect(redeployOf(d('d-R', 'Created', 9, mine))).toEqual({ bad: 'd-BAD000002', good: 'd-GOOD00001' });
    expect(redeployOf(d('d-R', 'Created', 9, 'deploy model 4'))).toBeUndefined();
  });

  it.each([
    [
      'the latest, in flight, is ours',
      [d('d-1', 'Succeeded', 1), d('d-2', 'Succeeded', 5), d('d-R', 'Created', 9, mine)],
      'd-R',
    ],
    ['ours is older than a newer deployment', [d('d-R', 'Succeeded', 5, mine), d('d-3', 'Succeeded', 9)], undefined],
    ['no deployment is ours', [d('d-1', 'Succeeded', 1), d('d-2', 'InProgress', 5)], undefined],
    ['ours failed (not live, not in flight)', [d('d-2', 'Succeeded', 5), d('d-R', 'Failed', 9, mine)], undefined],
  ])('%s', (_, deployments, id) => {
    expect(ownRedeployment(deployments)?.id).toBe(id);
  });
});

describe('followVerdict', () => {
  const created = '2026-11-22T10:00:00.000Z';
  const at = (hours: number) => new Date(Date.parse(created) + hours * 3_600_000);
  it.each([
    ['Succeeded', 1, undefined, 'done', 'SUCCEEDED'],
    ['Failed', 1, 'INVALID_LAMBDA_CONFIGURATION: bad CurrentVersion', 'done', 'FAILED'],
    ['Stopped', 1, undefined, 'done', 'FAILED'],
    ['InProgress', 1, undefined, 'wait', undefined],
    ['Baking', 23.9, undefined, 'wait', undefined],
    ['Ready', 24, undefined, 'done', 'FAILED'],
  ])('%s after %s h → %s %s', (status, hours, error, kind, outcome) => {
    const v = followVerdict({ id: 'd-R', status, ...(error ? { error } : {}) }, created, at(hours));
    expect(v.kind).toBe(kind);
    if (v.kind === 'done') {
      expect(v.outcome).toBe(outcome);
      if (error) expect(v.reason).toContain(error);
    }
  });
});

describe('vanishedVerdict', () => {
  const named = (name: string) => Object.assign(new Error(name), { name });
  it.each<[string, unknown, boolean]>([
    [
      'GetDeployment found no such deployment: the follow-up ends FAILED',
      new AwsCallError('codedeploy', 'GetDeployment', named('DeploymentDoesNotExistException')),
      true,
    ],
    [
      'throttling is retried by the tick',
      new AwsCallError('codedeploy', 'GetDeployment', named('ThrottlingException')),
      false,
    ],
    ['the same name unwrapped is not the adapter’s answer', named('DeploymentDoesNotExistException'), false],
    ['a thrown string', 'boom', false],
  ])('%s', (_name, error, ends) => {
    expect(vanishedVerdict('d-ABC', error)).toEqual(
      ends
        ? {
            kind: 'done',
            outcome: 'FAILED',
            reason: 'redeployment d-ABC no longer exists in CodeDeploy: a person must check what serves',
          }
        : undefined,
    );
  });
});
