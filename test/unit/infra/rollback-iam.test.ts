import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { parsePolicyText } from '../../../functions/config/policy';
import { rollbackPolicy } from '../../support/rollback-harness';

const require = createRequire(import.meta.url);
const rollback = require('../../../infra/rollback.cjs');
const iam = require('../../../infra/iam.cjs');
const readPattern = (file: string) => JSON.parse(readFileSync(`events/${file}`, 'utf8'));

type Statement = { Sid: string; Action: string[]; Resource: unknown };
const resources = (s: Statement) =>
  (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => JSON.stringify(r));

describe('rollback roles (infra/rollback.cjs)', () => {
  const policy = parsePolicyText(readFileSync('controller.yml', 'utf8'));
  const all: Record<string, Statement[]> = Object.fromEntries(
    ['rollback', 'endpoint', 'hook', 'stageRetry'].map((kind) => [kind, rollback.statementsFor(kind, policy)]),
  );

  it('grant no "*" action, and a bare "*" resource only for the actions that have no resource type', () => {
    // The Service Authorization Reference lists no resource type for these three: IAM authorizes them on "*".
    const untyped = [
      ['codedeploy:PutLifecycleEventHookExecutionStatus'],
      ['codedeploy:StopDeployment'],
      ['ecs:DescribeTaskDefinition'],
      [
        'codedeploy:ListDeploymentTargets',
        'codedeploy:GetDeploymentTarget',
        'elasticloadbalancing:DescribeTargetGroups',
      ],
      // Its one resource type is the OTLP `dataset`: a query of classic metrics is authorized on "*".
      ['cloudwatch:GetMetricData'],
    ];
    for (const statements of Object.values(all))
      for (const s of statements) {
        expect(s.Action.every((a) => a.includes(':') && !a.endsWith(':*'))).toBe(true);
        if (resources(s).includes('"*"')) expect(untyped).toContainEqual(s.Action);
      }
  });

  it('scope CodeDeploy, endpoints, packages and stages to the ARNs the policy names', () => {
    const bySid = Object.fromEntries(all.rollback!.map((s) => [s.Sid, resources(s)]));
    expect(bySid.CodeDeployRollback).toEqual([
      JSON.stringify({
        'Fn::Sub':
          'arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:churn-app/churn-live',
      }),
    ]);
    expect(bySid.FreezePromotions).toEqual(
      ['churn-deploy/Production', 'ranking-deploy/Production'].map((r) =>
        JSON.stringify({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${r}` }),
      ),
    );
    expect(bySid.RejectLivePackage!.join()).toMatch(
      /model-package\/churn-models\/\*.*model-package\/ranking-models\/\*/,
    );
  });

  it('give the hook and stage-retry roles only what they call', () => {
    const actions = (kind: string) => all[kind]!.flatMap((s) => s.Action).filter((a) => !a.startsWith('dynamodb:'));
    expect(actions('hook').sort()).toEqual(
      [
        'cloudwatch:DescribeAlarms',
        'codedeploy:GetDeployment',
        'codedeploy:PutLifecycleEventHookExecutionStatus',
        's3:GetObject',
        'sagemaker:DescribeModelPackage',
        'sagemaker:InvokeEndpoint',
      ].sort(),
    );
    expect(actions('stageRetry').sort()).toEqual([
      'codepipeline:ListActionExecutions',
      'codepipeline:RetryStageExecution',
    ]);
  });

  it('give the stage-retry role only the table actions its path calls: the attempt counter, the kill switch, decisions', () => {
    // countAttempt (UpdateItem, then GetItem when its condition fails), the kill switch (GetItem),
    // decisions (PutItem). It never queries the table or deletes from it.
    expect(
      all
        .stageRetry!.flatMap((s) => s.Action)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('leave pipeline starts to the sweeper: an alarm bound to retraining only records a request', () => {
    // controller.yml's churn-drift binding retrains the churn rule (CodePipeline churn-retrain).
    const alarmActions = all.rollback!.flatMap((s) => s.Action);
    expect(alarmActions.filter((a) => a.startsWith('s3:') || a.endsWith(':StartPipelineExecution'))).toEqual([]);
    expect(all.rollback!.find((s) => s.Sid === 'StateTable')!.Action).toContain('dynamodb:PutItem');
    const sweeper = iam.controllerStatements(policy) as Statement[];
    expect(resources(sweeper.find((s) => s.Sid === 'StartCodePipelines')!)).toContain(
      JSON.stringify({
        'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:churn-retrain',
      }),
    );
  });

  it('give the endpoint tracker only what its re-checks call, for the bindings that name an endpoint', () => {
    // controller.yml: ranking-live names an endpoint, its package group and a freeze, by tag.
    const actions = all.endpoint!.flatMap((s) => s.Action).filter((a) => !a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual(
      [
        'cloudwatch:DescribeAlarms',
        'codepipeline:DisableStageTransition',
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateModelPackage',
      ].sort(),
    );
    const bySid = Object.fromEntries(all.endpoint!.map((s) => [s.Sid, resources(s)]));
    expect(bySid.FreezePromotions).toEqual([
      JSON.stringify({
        'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:ranking-deploy/Production',
      }),
    ]);
    expect(bySid.RejectLivePackage!.join()).not.toMatch(/churn-models/);
  });

  it('let both rollback roles read the state of a name-bound alarm an endpoint re-check asks about', () => {
    const byName = rollbackPolicy({
      rollback: [{ name: 'x', alarms: { names: ['latency'] }, endpoint: { name: 'e' } }],
    });
    for (const kind of ['rollback', 'endpoint']) {
      const read = rollback.statementsFor(kind, byName).find((s: Statement) => s.Sid === 'ReadAlarms');
      expect([kind, read?.Action, resources(read)]).toEqual([
        kind,
        ['cloudwatch:DescribeAlarms'],
        [
          JSON.stringify({
            'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:latency',
          }),
        ],
      ]);
    }
  });

  it('narrow the alarm pattern to names and prefixes unless a binding selects by tag', () => {
    const byName = rollbackPolicy({
      rollback: [{ name: 'x', alarms: { names: ['a'], prefixes: ['p-'] }, freeze: { pipeline: 'p', stage: 's' } }],
    });
    expect(rollback.patterns(byName, readPattern).alarmStateChange.detail).toEqual({
      alarmName: ['a', { prefix: 'p-' }],
    });
    expect(rollback.patterns(policy, readPattern).alarmStateChange).toEqual(
      readPattern('cloudwatch-alarm-state-change.json'),
    );
    expect(rollback.patterns(policy, readPattern).stageFailed.detail).toEqual({
      state: ['FAILED'],
      pipeline: ['churn-deploy'],
      stage: ['Deploy'],
    });
  });

  it('let CloudWatch invoke the alarm function only for the bound alarm names and prefixes', () => {
    const permissions = Object.values(rollback.resources(policy)) as Array<{
      Properties: { Principal: string; SourceArn: unknown };
    }>;
    expect(permissions.map((p) => p.Properties.Principal)).toEqual(
      permissions.map(() => 'lambda.alarms.cloudwatch.amazonaws.com'),
    );
    expect(permissions.map((p) => JSON.stringify(p.Properties.SourceArn))).toEqual(
      ['alarm:churn-model-errors', 'alarm:churn-feature-drift', 'alarm:churn-latency-*'].map((a) =>
        JSON.stringify({ 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:${a}` }),
      ),
    );
  });
});

describe('canary judgment grants (infra/rollback.cjs)', () => {
  const analysis = (hook: boolean) => ({
    name: 'churn-canary',
    target: { codedeploy: { application: 'churn-app', deploymentGroup: 'churn-live' } },
    metrics: [
      {
        name: 'latency',
        namespace: 'AWS/Lambda',
        metricName: 'Duration',
        statistic: 'p99',
        dimensions: { FunctionName: '{function}' },
        canary: { ExecutedVersion: '{canaryVersion}' },
        baseline: { ExecutedVersion: '{baselineVersion}' },
      },
    ],
    hook,
  });
  const sids = (kind: string, policy: unknown) =>
    (rollback.statementsFor(kind, policy) as Statement[]).map((s) => s.Sid);
  const statement = (kind: string, policy: unknown, sid: string) =>
    (rollback.statementsFor(kind, policy) as Statement[]).find((s) => s.Sid === sid);

  it('the alarm function reads series (GetMetricData on "*", its only form for classic metrics) and the judged group', () => {
    const policy = rollbackPolicy({ analysis: [analysis(false)] });
    expect(statement('rollback', policy, 'ReadMetricSeries')).toMatchObject({
      Action: ['cloudwatch:GetMetricData'],
      Resource: '*',
    });
    // The group has a rollback binding: CodeDeployRollback already grants its reads.
    expect(sids('rollback', policy)).not.toContain('JudgedDeployments');
    expect(statement('rollback', policy, 'CodeDeployRollback')).toMatchObject({
      Action: expect.arrayContaining(['codedeploy:ListDeployments', 'codedeploy:BatchGetDeployments']),
    });
    const hookOnly = {
      ...analysis(false),
      target: { codedeploy: { application: 'churn-app', deploymentGroup: 'churn-hooked' } },
    };
    expect(resources(statement('rollback', rollbackPolicy({ analysis: [hookOnly] }), 'JudgedDeployments')!)).toEqual([
      JSON.stringify({
        'Fn::Sub':
          'arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:churn-app/churn-hooked',
      }),
    ]);
    expect(sids('endpoint', policy)).not.toContain('ReadMetricSeries');
    expect(sids('hook', policy)).not.toContain('ReadMetricSeries');
  });

  it('the hook function reads series only for an analysis that answers AfterAllowTraffic', () => {
    expect(sids('hook', rollbackPolicy({ analysis: [analysis(true)] }))).toContain('ReadMetricSeries');
  });

  it('the hook function rejects, on a judgment FAIL, only the packages of the judged group\u2019s rollback binding', () => {
    const judged = rollbackPolicy({ analysis: [analysis(true)] });
    expect(resources(statement('hook', judged, 'RejectJudgedPackage')!)).toEqual([
      JSON.stringify({
        'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/churn-models/*',
      }),
    ]);
    expect(statement('hook', judged, 'JudgedRejectionClaims')).toMatchObject({
      Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLAIM#ROLLBACK#package:*'] } },
    });
    expect(sids('hook', judged)).toContain('KillSwitchCheck');
    // Judged on the tick only: the hook answers nothing with the judgment and rejects nothing.
    const tickOnly = rollbackPolicy({ analysis: [analysis(false)] });
    expect(sids('hook', tickOnly)).not.toEqual(expect.arrayContaining(['RejectJudgedPackage']));
    expect(sids('hook', tickOnly)).not.toContain('JudgedRejectionClaims');
  });

  const ecsAnalysis = (hook: boolean) => ({
    ...analysis(hook),
    target: { codedeploy: { application: 'churn-app', deploymentGroup: 'churn-live', platform: 'ecs' } },
    metrics: [
      {
        name: 'latency',
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        statistic: 'p99',
        dimensions: { LoadBalancer: '{loadBalancer}' },
        canary: { TargetGroup: '{canaryTargetGroup}' },
        baseline: { TargetGroup: '{baselineTargetGroup}' },
      },
    ],
  });

  it('an ECS analysis lets the judging functions read its deployments’ target groups, on "*" (no resource types)', () => {
    const ecsReads = {
      Sid: 'EcsCanaryTargets',
      Effect: 'Allow',
      Action: [
        'codedeploy:ListDeploymentTargets',
        'codedeploy:GetDeploymentTarget',
        'elasticloadbalancing:DescribeTargetGroups',
      ],
      Resource: '*',
    };
    expect(statement('rollback', rollbackPolicy({ analysis: [ecsAnalysis(false)] }), 'EcsCanaryTargets')).toEqual(
      ecsReads,
    );
    expect(statement('hook', rollbackPolicy({ analysis: [ecsAnalysis(true)] }), 'EcsCanaryTargets')).toEqual(ecsReads);
    // Judged on the tick only, or a Lambda analysis: the hook (or every function) reads no ECS target.
    expect(sids('hook', rollbackPolicy({ analysis: [ecsAnalysis(false)] }))).not.toContain('EcsCanaryTargets');
    expect(sids('endpoint', rollbackPolicy({ analysis: [ecsAnalysis(true)] }))).not.toContain('EcsCanaryTargets');
    for (const kind of ['rollback', 'hook'])
      expect(sids(kind, rollbackPolicy({ analysis: [analysis(true)] }))).not.toContain('EcsCanaryTargets');
  });

  it('without analyses nothing reads series', () => {
    for (const kind of ['rollback', 'endpoint', 'hook', 'stageRetry'])
      expect(sids(kind, rollbackPolicy())).not.toContain('ReadMetricSeries');
  });
});
