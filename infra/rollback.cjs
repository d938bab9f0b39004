'use strict';
/**
 * The rollback functions' share of infra/iam.cjs: their roles' statements, their EventBridge
 * patterns narrowed to the policy's alarms, endpoints and pipelines, and the extra resources (the
 * alarm SNS topic's DLQ, the permission for CloudWatch to invoke the alarm function directly).
 *
 * Every ARN is scoped from the policy. Where the policy cannot name the resource in advance the
 * scope is the account and region of the stack, never "*":
 *   - endpoint configs and models (sagemaker:DescribeEndpointConfig/DescribeModel/UpdateEndpoint):
 *     configs are created by deploy pipelines under names the policy does not know;
 *   - CodeDeploy deployment configs (codedeploy:GetDeploymentConfig, which CreateDeployment needs);
 *   - alarms of tag-bound bindings (cloudwatch:ListTagsForResource/DescribeAlarms);
 *   - model packages a hook checks (the deployment names them; sagemaker:DescribeModelPackage).
 *   - Lambda functions a redeploy reads the live alias of (lambda:GetAlias): a CodeDeploy binding
 *     names the application and group, not the function; the function is the one the good
 *     deployment's AppSpec names, known only when the alarm fires.
 * Resource "*" appears for actions the Service Authorization Reference gives no resource type,
 * which IAM therefore authorizes only on "*": codedeploy:StopDeployment (see CodeDeployStop),
 * codedeploy:PutLifecycleEventHookExecutionStatus (see hookStatements),
 * ecs:DescribeTaskDefinition (see RedeployReads) and an ECS judgment's reads (see ecsTrafficReads).
 */

const { killSwitchCheck, killSwitchRead } = require('./kill-switch-iam.cjs');

const unique = (values) => [...new Set(values)];
const sub = (text) => ({ 'Fn::Sub': text });
const literal = (value) => value.replaceAll('${', '${!');
const uniqueSubs = (texts) => unique(texts).map(sub);
const sageMakerNames = (name) => unique([name, name.toLowerCase()]);
const REGION = 'arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}';
const arn = (service, rest) => `${REGION.replace('%s', service)}:${rest}`;

const FUNCTIONS = {
  alarmRollback: { role: 'AlarmRollbackRole', logGroup: 'AlarmRollbackLogGroup', kind: 'rollback' },
  endpointTracker: { role: 'EndpointTrackerRole', logGroup: 'EndpointTrackerLogGroup', kind: 'endpoint' },
  deploymentHook: { role: 'DeploymentHookRole', logGroup: 'DeploymentHookLogGroup', kind: 'hook' },
  stageRetry: { role: 'StageRetryRole', logGroup: 'StageRetryLogGroup', kind: 'stageRetry' },
};

const stateTable = {
  Sid: 'StateTable',
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
};

/**
 * Stage retry counts attempts on one item (UpdateItem; GetItem when the count's condition fails, to
 * tell a redelivery from exhaustion), reads the kill switch before a retry (GetItem) and records its
 * decisions (PutItem). It never queries the table or deletes from it.
 */
const stageRetryTable = {
  Sid: 'StateTable',
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
};

/**
 * The hook records its decisions and claims each hook execution once (conditional PutItem); a Failed
 * answer first reads the kill switch (killSwitchRead). Nothing else on the table.
 */
const decisionRecords = {
  Sid: 'StateTable',
  Effect: 'Allow',
  Action: ['dynamodb:PutItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
};

const alarmArns = (names, prefixes) => [
  ...names.map((n) => arn('cloudwatch', `alarm:${literal(n)}`)),
  ...prefixes.map((p) => arn('cloudwatch', `alarm:${literal(p)}*`)),
];

/**
 * alarmRollback (kind `rollback`) acts on every binding. endpointTracker (kind `endpoint`) acts only
 * through re-checks, which exist for bindings that name an endpoint: a re-check that finds the
 * alarm still firing acts as the alarm would on that binding's targets. It never retrains (a
 * binding that retrains names no endpoint) and never reads alarm tags.
 *
 * Neither starts pipelines: an alarm bound to retraining is a request item on the state table
 * (PutItem), which the sweeper starts with its own role (infra/iam.cjs controllerStatements).
 */
function rollbackStatements(policy, kind = 'rollback') {
  const bindings = kind === 'endpoint' ? policy.rollback.filter((b) => b.endpoint) : policy.rollback;
  // Rollbacks and freezes are committed decisions (the commit checks the kill switch).
  const statements = [stateTable, killSwitchCheck];
  const groups = bindings.filter((b) => b.codedeploy).map((b) => b.codedeploy);
  if (groups.length > 0) {
    statements.push({
      Sid: 'CodeDeployRollback',
      Effect: 'Allow',
      Action: [
        'codedeploy:ListDeployments',
        'codedeploy:BatchGetDeployments',
        'codedeploy:CreateDeployment',
        // CreateDeployment with overrideAlarmConfiguration (alarm polling off for the redeploy)
        // requires it, per the CreateDeployment API reference; the controller never updates a group.
        'codedeploy:UpdateDeploymentGroup',
        // The rollback tick follows each redeployment to its end (GetDeployment).
        ...(kind === 'rollback' ? ['codedeploy:GetDeployment'] : []),
      ],
      Resource: uniqueSubs(
        groups.map((g) => arn('codedeploy', `deploymentgroup:${literal(g.application)}/${literal(g.deploymentGroup)}`)),
      ),
    });
    statements.push({
      Sid: 'CodeDeployStop',
      Effect: 'Allow',
      // The Service Authorization Reference lists no resource type for StopDeployment: IAM
      // authorizes it on "*", so a statement scoped to the group would never match (AccessDenied
      // on the very call that stops a bad deployment). The workflow stops only deployments it
      // found in the bound groups (ListDeployments/BatchGetDeployments above are scoped).
      Action: ['codedeploy:StopDeployment'],
      Resource: '*',
    });
    statements.push({
      Sid: 'CodeDeployRedeployNeeds',
      Effect: 'Allow',
      // CreateDeployment also authorizes the revision (application) and the group's deployment config.
      Action: ['codedeploy:GetApplicationRevision', 'codedeploy:GetDeploymentConfig'],
      Resource: [
        ...uniqueSubs(groups.map((g) => arn('codedeploy', `application:${literal(g.application)}`))),
        sub(arn('codedeploy', 'deploymentconfig:*')),
      ],
    });
    // Reads the per-platform redeploy needs (functions/domain/redeploy.ts): a Lambda group's alias
    // (the function comes from the AppSpec, so the stack's account and region), an ECS group's task
    // definition (no resource type in the Service Authorization Reference: only "*" matches).
    statements.push({
      Sid: 'RedeployReads',
      Effect: 'Allow',
      Action: ['lambda:GetAlias'],
      Resource: [sub(arn('lambda', 'function:*'))],
    });
    statements.push({
      Sid: 'RedeployTaskDefinitions',
      Effect: 'Allow',
      Action: ['ecs:DescribeTaskDefinition'],
      Resource: '*',
    });
  }
  const endpoints = bindings.filter((b) => b.endpoint).map((b) => b.endpoint.name);
  if (endpoints.length > 0)
    statements.push({
      Sid: 'EndpointRollback',
      Effect: 'Allow',
      Action: [
        'sagemaker:DescribeEndpoint',
        'sagemaker:UpdateEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
      ],
      Resource: [
        ...uniqueSubs(endpoints.flatMap(sageMakerNames).map((n) => arn('sagemaker', `endpoint/${literal(n)}`))),
        sub(arn('sagemaker', 'endpoint-config/*')),
        sub(arn('sagemaker', 'model/*')),
      ],
    });
  // The policy names a group by name or by its ARN (model-package-group/<name>); package ARNs carry the name.
  const groupsOfPackages = bindings
    .filter((b) => b.modelPackageGroup)
    .map((b) => b.modelPackageGroup.slice(b.modelPackageGroup.lastIndexOf('/') + 1));
  if (groupsOfPackages.length > 0)
    statements.push({
      Sid: 'RejectLivePackage',
      Effect: 'Allow',
      Action: ['sagemaker:UpdateModelPackage'],
      Resource: uniqueSubs(
        groupsOfPackages.flatMap(sageMakerNames).map((g) => arn('sagemaker', `model-package/${literal(g)}/*`)),
      ),
    });
  const stages = bindings.filter((b) => b.freeze).map((b) => b.freeze);
  if (stages.length > 0)
    statements.push({
      Sid: 'FreezePromotions',
      Effect: 'Allow',
      // Only the alarm function thaws (its tick, after the OK cooldown); a re-check only freezes.
      Action: [
        'codepipeline:DisableStageTransition',
        ...(kind === 'rollback' ? ['codepipeline:EnableStageTransition'] : []),
      ],
      Resource: uniqueSubs(stages.map((s) => arn('codepipeline', `${literal(s.pipeline)}/${literal(s.stage)}`))),
    });
  const names = bindings.flatMap((b) => b.alarms.names);
  const prefixes = bindings.flatMap((b) => b.alarms.prefixes);
  const tagged = bindings.some((b) => Object.keys(b.alarms.tags).length > 0);
  // DescribeAlarms on every ALARM (a stale delivery must not act), before an automatic unfreeze,
  // and when an endpoint re-check asks whether the alarm still fires; ListTagsForResource for tag-bound alarms, read only where alarms arrive.
  const actions = [
    ...(kind === 'rollback' || bindings.some((b) => b.endpoint || b.freeze?.autoUnfreezeAfterOkSeconds) || tagged
      ? ['cloudwatch:DescribeAlarms']
      : []),
    ...(tagged && kind === 'rollback' ? ['cloudwatch:ListTagsForResource'] : []),
  ];
  if (actions.length > 0)
    statements.push({
      Sid: 'ReadAlarms',
      Effect: 'Allow',
      Action: actions,
      // Tag-bound alarms: names the policy cannot know, so the account's alarms in this region.
      Resource: tagged ? [sub(arn('cloudwatch', 'alarm:*'))] : uniqueSubs(alarmArns(names, prefixes)),
    });
  if (kind === 'rollback') statements.push(...judgmentStatements(policy));
  return statements;
}

/**
 * The rollback tick judges each analysis (functions/workflows/rollback/judge.ts): one GetMetricData
 * per judgment, and for a CodeDeploy target the group's deployments in flight (a group named only by
 * a hooks rule has no rollback binding above). A FAIL then acts through the rollback binding of the
 * target, whose statements are above.
 */
function judgmentStatements(policy) {
  const analysis = policy.analysis ?? [];
  if (analysis.length === 0) return [];
  const statements = [
    {
      Sid: 'ReadMetricSeries',
      Effect: 'Allow',
      // The Service Authorization Reference's only resource type for GetMetricData is the OTLP
      // `dataset` (PromQL queries); a MetricStat query of classic metrics is authorized on "*".
      Action: ['cloudwatch:GetMetricData'],
      Resource: '*',
    },
  ];
  // A group a rollback binding names is read under CodeDeployRollback already; a second grant of
  // the same actions on it would be one no call needs.
  const bound = new Set(
    policy.rollback
      .filter((b) => b.codedeploy)
      .map((b) => `${b.codedeploy.application}/${b.codedeploy.deploymentGroup}`),
  );
  const groups = analysis
    .filter((a) => a.target.codedeploy)
    .map((a) => a.target.codedeploy)
    .filter((g) => !bound.has(`${g.application}/${g.deploymentGroup}`));
  if (groups.length > 0)
    statements.push({
      Sid: 'JudgedDeployments',
      Effect: 'Allow',
      Action: ['codedeploy:ListDeployments', 'codedeploy:BatchGetDeployments'],
      Resource: uniqueSubs(
        groups.map((g) => arn('codedeploy', `deploymentgroup:${literal(g.application)}/${literal(g.deploymentGroup)}`)),
      ),
    });
  statements.push(...ecsTrafficReads(analysis));
  return statements;
}

/**
 * An ECS analysis reads each deployment's Green and Blue target groups
 * (functions/workflows/ecs-traffic.ts): CodeDeploy's ListDeploymentTargets and GetDeploymentTarget,
 * ELB's DescribeTargetGroups. The Service Authorization Reference lists no resource type for any
 * of the three (codedeploy: none; elasticloadbalancing Describe*: none), so only "*" matches; the
 * calls name only deployments the function found in its bound groups (ListDeployments above is
 * scoped) and the target groups CodeDeploy reported for them. None is granted without an ECS analysis.
 */
const ecsTrafficReads = (analyses) =>
  analyses.some((a) => a.target.codedeploy && a.target.codedeploy.platform === 'ecs')
    ? [
        {
          Sid: 'EcsCanaryTargets',
          Effect: 'Allow',
          Action: [
            'codedeploy:ListDeploymentTargets',
            'codedeploy:GetDeploymentTarget',
            'elasticloadbalancing:DescribeTargetGroups',
          ],
          Resource: '*',
        },
      ]
    : [];

function hookStatements(policy) {
  const hooks = policy.hooks;
  // Analyses that answer AfterAllowTraffic with their judgment (functions/workflows/deployment-hook.ts).
  const judged = (policy.analysis ?? []).filter((a) => a.hook && a.target.codedeploy).map((a) => a.target.codedeploy);
  const statements = [decisionRecords];
  if (hooks.length === 0 && judged.length === 0) return statements;
  statements.push(killSwitchRead);
  statements.push({
    Sid: 'ReadHookDeployments',
    Effect: 'Allow',
    Action: ['codedeploy:GetDeployment'],
    Resource: uniqueSubs([
      ...hooks.map((h) =>
        arn('codedeploy', `deploymentgroup:${literal(h.application)}/${literal(h.deploymentGroup ?? '*')}`),
      ),
      ...judged.map((g) =>
        arn('codedeploy', `deploymentgroup:${literal(g.application)}/${literal(g.deploymentGroup)}`),
      ),
    ]),
  });
  if (judged.length > 0)
    statements.push(
      {
        Sid: 'ReadMetricSeries',
        Effect: 'Allow',
        // Classic metrics: GetMetricData is authorized on "*" (see judgmentStatements).
        Action: ['cloudwatch:GetMetricData'],
        Resource: '*',
      },
      ...ecsTrafficReads((policy.analysis ?? []).filter((a) => a.hook)),
    );
  // A FAIL at the hook rejects the deployment's package as the tick's FAIL does, through the group's
  // rollback binding: a committed decision (kill switch ConditionCheck), its claim extended when done
  // and given back when the write fails (functions/adapters/aws/dynamodb/decision-log.ts).
  const rejecting = unique(
    judged.flatMap((g) =>
      policy.rollback
        .filter(
          (b) =>
            b.modelPackageGroup &&
            b.codedeploy?.application === g.application &&
            b.codedeploy.deploymentGroup === g.deploymentGroup,
        )
        .map((b) => b.modelPackageGroup.slice(b.modelPackageGroup.lastIndexOf('/') + 1)),
    ),
  );
  if (rejecting.length > 0)
    statements.push(
      killSwitchCheck,
      {
        Sid: 'JudgedRejectionClaims',
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLAIM#ROLLBACK#package:*'] } },
      },
      {
        Sid: 'RejectJudgedPackage',
        Effect: 'Allow',
        Action: ['sagemaker:UpdateModelPackage'],
        Resource: uniqueSubs(
          rejecting.flatMap(sageMakerNames).map((g) => arn('sagemaker', `model-package/${literal(g)}/*`)),
        ),
      },
    );
  // The Service Authorization Reference lists no resource type for this action, so IAM accepts only
  // "*"; a deployment-group ARN would never match and every answer would be denied. The call names a
  // hook execution id only CodeDeploy's invocation hands the function.
  statements.push({
    Sid: 'AnswerLifecycleHooks',
    Effect: 'Allow',
    Action: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
    Resource: '*',
  });
  const alarms = unique(hooks.flatMap((h) => h.alarms));
  if (alarms.length > 0)
    statements.push({
      Sid: 'HookAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms'],
      Resource: uniqueSubs(alarmArns(alarms, [])),
    });
  if (hooks.some((h) => h.requireApprovedPackage))
    statements.push({
      Sid: 'HookPackages',
      Effect: 'Allow',
      Action: ['sagemaker:DescribeModelPackage'],
      Resource: [sub(arn('sagemaker', 'model-package/*'))],
    });
  const smokes = hooks.filter((h) => h.smoke).map((h) => h.smoke);
  if (smokes.length > 0) {
    statements.push({
      Sid: 'SmokeRequests',
      Effect: 'Allow',
      Action: ['sagemaker:InvokeEndpoint'],
      Resource: uniqueSubs(
        smokes.flatMap((s) => sageMakerNames(s.endpoint)).map((n) => arn('sagemaker', `endpoint/${literal(n)}`)),
      ),
    });
    statements.push({
      Sid: 'SmokePayloads',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: uniqueSubs(
        smokes.map((s) => `arn:\${AWS::Partition}:s3:::${literal(s.payload.slice('s3://'.length))}`),
      ),
    });
  }
  return statements;
}

function stageRetryStatements(policy) {
  const statements = [stageRetryTable];
  if (policy.stageRetry.length > 0)
    statements.push(
      {
        Sid: 'RetryStages',
        Effect: 'Allow',
        // Authorized on the stage (arn:...:<pipeline>/<stage>), not the pipeline: a grant on the
        // pipeline's ARN never matches and every retry would be AccessDenied.
        Action: ['codepipeline:RetryStageExecution'],
        Resource: uniqueSubs(
          policy.stageRetry.flatMap((r) =>
            r.stages.map((stage) => arn('codepipeline', `${literal(r.pipeline)}/${literal(stage)}`)),
          ),
        ),
      },
      {
        Sid: 'ReadStageActions',
        Effect: 'Allow',
        Action: ['codepipeline:ListActionExecutions'],
        Resource: uniqueSubs(policy.stageRetry.map((r) => arn('codepipeline', literal(r.pipeline)))),
      },
    );
  return statements;
}

function statementsFor(kind, policy) {
  if (kind === 'rollback' || kind === 'endpoint') return rollbackStatements(policy, kind);
  if (kind === 'hook') return hookStatements(policy);
  return stageRetryStatements(policy);
}

function patterns(policy, readPattern) {
  const alarmBase = readPattern('cloudwatch-alarm-state-change.json');
  const endpointBase = readPattern('sagemaker-endpoint-state-change.json');
  const stageBase = readPattern('codepipeline-stage-failed.json');
  const bindings = policy.rollback;
  const names = unique(bindings.flatMap((b) => b.alarms.names));
  const prefixes = unique(bindings.flatMap((b) => b.alarms.prefixes));
  // Tag-bound alarms cannot be told apart by the event: such a policy receives every alarm change
  // of the account and region, and the function reads the tags.
  const tagged = bindings.some((b) => Object.keys(b.alarms.tags).length > 0);
  const endpoints = unique(bindings.filter((b) => b.endpoint).map((b) => b.endpoint.name));
  const retry = policy.stageRetry;
  return {
    alarmStateChange:
      tagged || names.length + prefixes.length === 0
        ? alarmBase
        : { ...alarmBase, detail: { alarmName: [...names, ...prefixes.map((prefix) => ({ prefix }))] } },
    alarmStateChangeEnabled: bindings.length > 0,
    endpointStateChange:
      endpoints.length === 0
        ? endpointBase
        : { ...endpointBase, detail: { ...endpointBase.detail, EndpointName: endpoints } },
    endpointStateChangeEnabled: endpoints.length > 0,
    stageFailed:
      retry.length === 0
        ? stageBase
        : {
            ...stageBase,
            detail: {
              ...stageBase.detail,
              pipeline: unique(retry.map((r) => r.pipeline)),
              stage: unique(retry.flatMap((r) => r.stages)),
            },
          },
    stageFailedEnabled: retry.length > 0,
  };
}

/**
 * CloudWatch may invoke alarmRollback as an alarm action, only for the policy's alarm names and
 * prefixes (one permission per source ARN pattern). Tag-bound alarms reach it through EventBridge
 * or SNS instead.
 */
function resources(policy) {
  const out = {};
  const bindings = policy.rollback;
  const sources = alarmArns(
    unique(bindings.flatMap((b) => b.alarms.names)),
    unique(bindings.flatMap((b) => b.alarms.prefixes)),
  );
  unique(sources).forEach((source, i) => {
    out[`AlarmActionPermission${i + 1}`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['AlarmRollbackLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: sub(source),
      },
    };
  });
  return out;
}

module.exports = {
  FUNCTIONS,
  statementsFor,
  patterns,
  resources,
  rollbackStatements,
  hookStatements,
  stageRetryStatements,
};
