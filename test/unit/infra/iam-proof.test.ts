import { readFileSync, readdirSync } from 'node:fs';
import { parsePolicyText } from '../../../functions/config/policy';
import { packagedTemplate } from '../../support/packaged-template';
import { STACK } from '../../support/role-simulation';
import {
  authorizationsOf,
  iamActionsOfCommand,
  mappedOperations,
  resourceTypes,
} from '../../support/aws-rules/iam-actions';
import {
  decide,
  functionsOfStack,
  rolePolicies,
  rolesFor,
  withoutStatement,
} from '../../support/aws-rules/iam-evaluate';
import { ENTRIES } from '../../support/aws-rules/iam-entries';
import { UNRECORDED, grantName, unrecordedFailures, upperBound } from '../../support/aws-rules/iam-upper-bound';

const policy = parsePolicyText(readFileSync('controller.yml', 'utf8'));
/** The source of the workflow module that exports `className`. */
function workflowSource(className: string): string {
  const file = readdirSync('functions/workflows')
    .filter((f) => f.endsWith('.ts'))
    .find((f) => readFileSync(`functions/workflows/${f}`, 'utf8').includes(`export class ${className} `));
  return file ? readFileSync(`functions/workflows/${file}`, 'utf8') : '';
}

const where = { account: STACK.account, region: STACK.region, partition: STACK.partition };

describe('the IAM proof the recorder runs on every test (test/support/aws-rules)', () => {
  it('evaluates against the roles osls packages: rolesFor(controller.yml) is the packaged template\u2019s roles', () => {
    const template = packagedTemplate();
    const packaged = Object.fromEntries(
      Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role'),
    );
    expect(JSON.parse(JSON.stringify(rolesFor(policy)))).toEqual(packaged);
  });

  it('knows every function of serverless.yml with its handler and role', () => {
    const stack = functionsOfStack();
    expect(stack.map((f) => f.key).sort()).toEqual(
      [
        'alarmRollback',
        'approvalGate',
        'dataArrived',
        'deploymentHook',
        'endpointTracker',
        'executionFinished',
        'registryGate',
        'stageRetry',
        'sweeper',
      ].sort(),
    );
    for (const f of stack) expect(rolesFor(policy)[f.role]?.Type).toBe('AWS::IAM::Role');
  });

  it('attributes every workflow method a handler calls to the function of that handler', () => {
    const handlers = new Map(functionsOfStack().map((f) => [f.handler, f.key]));
    const missing: string[] = [];
    for (const file of readdirSync('functions/handlers').filter((f) => f.endsWith('.ts'))) {
      const fn = handlers.get(file.replace(/\.ts$/, ''))!;
      const source = readFileSync(`functions/handlers/${file}`, 'utf8');
      // The workflow classes the handler is given, and the async methods it calls on them (the
      // synchronous ones, like foreignOrigin, make no AWS call).
      const classes = [...new Set([...source.matchAll(/\b(\w+Workflow)\b/g)].map((m) => m[1]!))];
      for (const [, method] of source.matchAll(/\b(?:workflow|gates)\.(\w+)\(/g)) {
        const async = classes.some((c) => new RegExp(`async ${method}\\(`).test(workflowSource(c)));
        if (!async) continue;
        if (!classes.some((c) => ENTRIES[c]?.[method!]?.includes(fn))) missing.push(`${file}: ${method} (${fn})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('maps only actions the Service Authorization Reference knows', async () => {
    const unknown: string[] = [];
    for (const op of mappedOperations())
      for (const action of iamActionsOfCommand(op)) await resourceTypes(action).catch(() => unknown.push(action));
    expect(unknown).toEqual([]);
  });

  it('authorizes each transaction item as its own action on its partition key (dynamodb:LeadingKeys)', async () => {
    const calls = await authorizationsOf(
      'DynamoDB',
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: { S: 'DECISION#1' }, sk: { S: 'x' } } } },
          { ConditionCheck: { TableName: 't', Key: { pk: { S: 'CONTROL' }, sk: { S: 'KILL' } } } },
        ],
      },
      where,
      new Map(),
    );
    expect(calls).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t',
        context: { 'dynamodb:LeadingKeys': ['DECISION#1'] },
      },
      {
        action: 'dynamodb:ConditionCheckItem',
        resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t',
        context: { 'dynamodb:LeadingKeys': ['CONTROL'] },
      },
    ]);
  });

  it('authorizes an action without a resource type on "*" (StopDeployment), a versioned GET as GetObjectVersion', async () => {
    const stop = await authorizationsOf(
      'CodeDeploy',
      'StopDeployment',
      { deploymentId: 'd-1' },
      where,
      new Map([['d-1', { application: 'a', group: 'g' }]]),
    );
    expect(stop).toEqual([{ action: 'codedeploy:StopDeployment', resource: '*' }]);
    const get = await authorizationsOf('S3', 'GetObject', { Bucket: 'b', Key: 'k', VersionId: 'v' }, where, new Map());
    expect(get).toEqual([{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k' }]);
  });

  it("authorizes CreateDeployment's deployment config: the one named, else the group's as CodeDeploy reported it, else none", async () => {
    const input = { applicationName: 'a', deploymentGroupName: 'g', overrideAlarmConfiguration: { enabled: false } };
    const configs = async (
      extra: object,
      known: Map<string, { application: string; group: string; config?: string }>,
    ) =>
      (await authorizationsOf('CodeDeploy', 'CreateDeployment', { ...input, ...extra }, where, known))
        .filter((a) => a.action === 'codedeploy:GetDeploymentConfig')
        .map((a) => a.resource);
    const known = new Map([
      ['d-1', { application: 'a', group: 'g', config: 'CodeDeployDefault.LambdaAllAtOnce' }],
      ['d-2', { application: 'a', group: 'other', config: 'CodeDeployDefault.ECSAllAtOnce' }],
    ]);
    const arn = (name: string) => `arn:aws:codedeploy:us-east-1:123456789012:deploymentconfig:${name}`;
    expect(await configs({ deploymentConfigName: 'Mine' }, known)).toEqual([arn('Mine')]);
    expect(await configs({}, known)).toEqual([arn('CodeDeployDefault.LambdaAllAtOnce')]);
    expect(await configs({}, new Map([['d-1', { application: 'a', group: 'g' }]]))).toEqual([]);
  });

  it('denies what the role does not grant and allows what it does (controller.yml, alarmRollback)', async () => {
    const role = rolePolicies(policy, 'AlarmRollbackRole');
    const [stop] = await authorizationsOf(
      'CodeDeploy',
      'StopDeployment',
      { deploymentId: 'd-1' },
      where,
      new Map([['d-1', { application: 'churn-app', group: 'churn-live' }]]),
    );
    expect(await decide(role, stop!, 'test:alarm')).toBe('Allowed');
    const index = role[0]!.policy.Statement.findIndex((s) => s.Sid === 'CodeDeployStop');
    expect(await decide(withoutStatement(role, index), stop!, 'test:alarm-without-stop')).toBe('ImplicitlyDenied');
    const [foreign] = await authorizationsOf(
      'CodeDeploy',
      'ListDeployments',
      { applicationName: 'other-app', deploymentGroupName: 'live' },
      where,
      new Map(),
    );
    expect(await decide(role, foreign!, 'test:alarm')).toBe('ImplicitlyDenied');
  });

  it('the upper bound keeps a grant a recorded call needs and names the ones none needs', async () => {
    const { bucket, prefix } = policy.controller.manifests;
    const [put] = await authorizationsOf(
      'S3',
      'PutObject',
      { Bucket: bucket, Key: `${prefix}churn-1.json` },
      where,
      new Map(),
    );
    const bound = await upperBound([
      {
        testFile: 'synthetic',
        counts: { recorded: 1, attributed: 1, evaluations: 1 },
        policies: [policy],
        calls: [{ policy: 0, fn: 'sweeper', auth: put!, call: 'S3.PutObject' }],
      },
    ]);
    const unneeded = bound.unneeded.map(grantName);
    expect(unneeded).not.toContain('sweeper/WriteManifests: s3:PutObject');
    expect(unneeded).toContain('sweeper/StartCodePipelines: codepipeline:StartPipelineExecution');
    expect(unneeded).toContain('alarmRollback/(no recorded call)');
    expect(bound.exempted.map(grantName)).toContain('sweeper/OwnLogs: logs:PutLogEvents');
  });

  it('fails an unrecorded grant unless UNRECORDED lists it, an unreachable one always, and a listed one a whole run needs', () => {
    const listed = { 'sweeper/StateTable: dynamodb:DeleteItem': 'why' };
    expect(unrecordedFailures(['sweeper/StateTable: dynamodb:DeleteItem'], [], true, listed)).toEqual([]);
    expect(unrecordedFailures(['sweeper/StateTable: dynamodb:Query'], [], false, listed)).toEqual([
      'sweeper/StateTable: dynamodb:Query: no recorded call needs it (drive it in a test, or list it in UNRECORDED with why not)',
    ]);
    expect(unrecordedFailures([], ['sweeper/WriteManifests: s3:PutObject'], false, listed)).toHaveLength(1);
    expect(unrecordedFailures([], [], true, listed)).toEqual([
      'sweeper/StateTable: dynamodb:DeleteItem: listed in UNRECORDED but a recorded call needs it (or it is no grant): unlist it',
    ]);
    expect(unrecordedFailures([], [], false, listed)).toEqual([]);
    for (const entry of Object.values(UNRECORDED)) expect(entry.reason.length).toBeGreaterThan(20);
  });
});
