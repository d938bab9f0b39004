/**
 * Per resource type: read the deployed resource back from moto through the service's own API and
 * list every setting that differs from the packaged template (intrinsics resolved against the
 * stack). An empty list means the resource exists with the template's settings.
 */
import { isDeepStrictEqual } from 'node:util';
import { CloudWatchClient, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { GetBucketEncryptionCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { resolve, type Deployed } from './intrinsics';

export interface Clients {
  lambda: LambdaClient;
  events: EventBridgeClient;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  sns: SNSClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
  cloudwatch: CloudWatchClient;
}

export function clients(config: object): Clients {
  return {
    lambda: new LambdaClient(config),
    events: new EventBridgeClient(config),
    dynamo: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    s3: new S3Client(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

export type Mismatch = string;
type Check = (props: any, c: Clients, d: Deployed) => Promise<Mismatch[]>;

/** Collects "setting: expected … got …" lines. */
function differ() {
  const out: Mismatch[] = [];
  return {
    out,
    eq(setting: string, expected: unknown, actual: unknown) {
      if (!isDeepStrictEqual(expected, actual))
        out.push(`${setting}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    },
  };
}

const functionName = (nameOrArn: string) => nameOrArn.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
/**
 * IAM returns policy documents URL-encoded (RFC 3986), as the IAM API reference says. moto stores a
 * CloudFormation role's inline policies as the Python repr of the parsed document (single quotes,
 * True/False/None), which is not JSON: that form is read as the Python literal it is, so the
 * comparison is with what moto holds rather than skipped.
 */
function policyJson(doc: string | undefined): unknown {
  if (!doc) return undefined;
  const text = decodeURIComponent(doc);
  try {
    return JSON.parse(text);
  } catch {
    return pythonLiteral(text);
  }
}

/** Dicts, lists, quoted strings, numbers, True/False/None: what a policy document's repr holds. */
function pythonLiteral(text: string): unknown {
  let i = 0;
  const fail = (): never => {
    throw new Error(`not a Python literal at ${i}: ${text.slice(i, i + 40)}`);
  };
  const skip = () => {
    while (/[\s,:]/.test(text[i] ?? '')) i += 1;
  };
  const value = (): unknown => {
    skip();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i += 1;
      const items: unknown[] = [];
      for (skip(); text[i] !== close; skip()) {
        if (i >= text.length) fail();
        items.push(value());
      }
      i += 1;
      if (close === ']') return items;
      const out: Record<string, unknown> = {};
      for (let k = 0; k < items.length; k += 2) out[String(items[k])] = items[k + 1];
      return out;
    }
    if (ch === "'" || ch === '"') {
      let out = '';
      for (i += 1; text[i] !== ch; i += 1) {
        if (i >= text.length) fail();
        if (text[i] === '\\') {
          i += 1;
          out += { n: '\n', t: '\t', r: '\r' }[text[i] as 'n'] ?? text[i];
        } else out += text[i];
      }
      i += 1;
      return out;
    }
    const word = /^(True|False|None|-?\d+(\.\d+)?)/.exec(text.slice(i))?.[0] ?? fail();
    i += word.length;
    return word === 'True' ? true : word === 'False' ? false : word === 'None' ? null : Number(word);
  };
  return value();
}

/**
 * moto resolves a log group's Fn::GetAtt Arn without the trailing `:*` that CloudFormation
 * documents (arn:aws:logs:region:account:log-group:name:*), so a role naming its own log group
 * reads back without it. Only that difference is forgiven.
 */
function asMotoResolvesIt(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc).replace(/(arn:aws:logs:[^"]*:log-group:[^"]*?):\*"/g, '$1"'));
}

const byName = <T extends { AttributeName?: string }>(xs: T[] = []) =>
  [...xs].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

/** Lambda settings moto's CloudFormation applies. Architectures it drops (see PARTIAL in static-checks.ts). */
const lambdaFunction: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { out, eq } = differ();
  const live = await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: t.FunctionName }));
  eq('FunctionName', t.FunctionName, live.FunctionName);
  eq('Handler', t.Handler, live.Handler);
  eq('Runtime', t.Runtime, live.Runtime);
  eq('MemorySize', t.MemorySize, live.MemorySize);
  eq('Timeout', t.Timeout, live.Timeout);
  eq('Description', t.Description, live.Description);
  eq('Role', t.Role, live.Role);
  eq('Environment', t.Environment?.Variables ?? {}, live.Environment?.Variables ?? {});
  eq('DeadLetterConfig', t.DeadLetterConfig?.TargetArn, live.DeadLetterConfig?.TargetArn);
  return out;
};

const lambdaVersion: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { Versions = [] } = await c.lambda.send(
    new ListVersionsByFunctionCommand({ FunctionName: functionName(t.FunctionName) }),
  );
  // The published version runs the packaged zip: its hash is the template's CodeSha256.
  const published = Versions.find((v) => v.Version !== '$LATEST' && v.CodeSha256 === t.CodeSha256);
  return published
    ? []
    : [
        `no published version with CodeSha256 ${t.CodeSha256} (have ${JSON.stringify(Versions.map((v) => [v.Version, v.CodeSha256]))})`,
      ];
};

const lambdaPermission: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { Policy } = await c.lambda.send(new GetPolicyCommand({ FunctionName: functionName(t.FunctionName) }));
  const statements: any[] = JSON.parse(Policy ?? '{"Statement":[]}').Statement;
  const match = statements.find(
    (s) =>
      s.Effect === 'Allow' &&
      s.Action === t.Action &&
      s.Principal?.Service === t.Principal &&
      s.Condition?.ArnLike?.['AWS:SourceArn'] === t.SourceArn &&
      s.Condition?.StringEquals?.['AWS:SourceAccount'] === t.SourceAccount,
  );
  return match
    ? []
    : [
        `no statement allows ${t.Principal} ${t.Action} from ${t.SourceArn} (account ${t.SourceAccount}) on ${t.FunctionName}`,
      ];
};

const eventSourceMapping: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { out, eq } = differ();
  // By ARN: moto filters mappings on the function ARN only (AWS accepts a name too).
  const { EventSourceMappings = [] } = await c.lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: t.FunctionName }),
  );
  const live = EventSourceMappings.find((m) => m.EventSourceArn === t.EventSourceArn);
  if (!live) return [`no mapping from ${t.EventSourceArn}`];
  eq('FunctionArn', t.FunctionName, live.FunctionArn);
  eq('BatchSize', t.BatchSize, live.BatchSize);
  eq('MaximumBatchingWindowInSeconds', t.MaximumBatchingWindowInSeconds, live.MaximumBatchingWindowInSeconds);
  eq('FunctionResponseTypes', t.FunctionResponseTypes, live.FunctionResponseTypes);
  eq('State', t.Enabled === false ? 'Disabled' : 'Enabled', live.State);
  return out;
};

const eventsRule: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { out, eq } = differ();
  const live = await c.events.send(new DescribeRuleCommand({ Name: t.Name }));
  eq('EventPattern', t.EventPattern, live.EventPattern ? JSON.parse(live.EventPattern) : undefined);
  eq('ScheduleExpression', t.ScheduleExpression, live.ScheduleExpression);
  eq('State', t.State, live.State);
  eq('Description', t.Description, live.Description);
  const { Targets = [] } = await c.events.send(new ListTargetsByRuleCommand({ Rule: t.Name }));
  const pick = (x: any) => ({
    Id: x.Id,
    Arn: x.Arn,
    RetryPolicy: x.RetryPolicy,
    DeadLetterConfig: x.DeadLetterConfig,
    Input: x.Input,
  });
  eq('Targets', (t.Targets ?? []).map(pick), Targets.map(pick));
  return out;
};

const dynamoTable =
  (logicalId: string): Check =>
  async (p, c, d) => {
    const t = resolve(p, d);
    const { out, eq } = differ();
    const { Table: live } = await c.dynamo.send(
      new DescribeTableCommand({ TableName: d.resources.get(logicalId)!.physicalId }),
    );
    eq('KeySchema', t.KeySchema, live?.KeySchema);
    eq('AttributeDefinitions', byName(t.AttributeDefinitions), byName(live?.AttributeDefinitions));
    eq('BillingMode', t.BillingMode, live?.BillingModeSummary?.BillingMode);
    const gsi = (xs: any[] = []) =>
      xs
        .map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection }))
        .sort((a, b) => a.IndexName.localeCompare(b.IndexName));
    eq('GlobalSecondaryIndexes', gsi(t.GlobalSecondaryIndexes), gsi(live?.GlobalSecondaryIndexes));
    eq(
      'StreamSpecification',
      t.StreamSpecification?.StreamViewType,
      live?.StreamSpecification?.StreamEnabled ? live.StreamSpecification.StreamViewType : undefined,
    );
    return out;
  };

/** SQS's documented defaults, for settings a template leaves out. */
const QUEUE_DEFAULTS = { VisibilityTimeout: 30, MessageRetentionPeriod: 345600, DelaySeconds: 0 };

const sqsQueue: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { out, eq } = differ();
  const { QueueUrl } = await c.sqs.send(new GetQueueUrlCommand({ QueueName: t.QueueName }));
  const { Attributes: a = {} } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  for (const [key, fallback] of Object.entries(QUEUE_DEFAULTS))
    eq(key, t[key] ?? fallback, Number(a[key as keyof typeof a]));
  eq('SqsManagedSseEnabled', String(t.SqsManagedSseEnabled ?? true), a.SqsManagedSseEnabled);
  eq('RedrivePolicy', t.RedrivePolicy, a.RedrivePolicy ? JSON.parse(a.RedrivePolicy) : undefined);
  return out;
};

const snsTopic: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { out, eq } = differ();
  const arn = `arn:aws:sns:${d.region}:${d.accountId}:${t.TopicName}`;
  const { Attributes: a = {} } = await c.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
  eq('TopicArn', arn, a.TopicArn);
  eq('DisplayName', t.DisplayName, a.DisplayName);
  return out;
};

function roleCheck(logicalId: string): Check {
  return async (p, c, d) => {
    const t = resolve(p, d);
    const { out, eq } = differ();
    const RoleName = d.resources.get(logicalId)!.physicalId;
    const { Role } = await c.iam.send(new GetRoleCommand({ RoleName }));
    eq('AssumeRolePolicyDocument', t.AssumeRolePolicyDocument, policyJson(Role?.AssumeRolePolicyDocument));
    eq('Description', t.Description, Role?.Description);
    eq('Path', t.Path ?? '/', Role?.Path);
    const { PolicyNames = [] } = await c.iam.send(new ListRolePoliciesCommand({ RoleName }));
    eq('inline policy names', (t.Policies ?? []).map((x: any) => x.PolicyName).sort(), [...PolicyNames].sort());
    for (const policy of t.Policies ?? []) {
      if (!PolicyNames.includes(policy.PolicyName)) continue;
      const live = await c.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: policy.PolicyName }));
      eq(
        `inline policy ${policy.PolicyName}`,
        asMotoResolvesIt(policy.PolicyDocument),
        policyJson(live.PolicyDocument),
      );
    }
    const { AttachedPolicies = [] } = await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
    eq('ManagedPolicyArns', [...(t.ManagedPolicyArns ?? [])].sort(), AttachedPolicies.map((x) => x.PolicyArn).sort());
    return out;
  };
}

const logGroup: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const { logGroups = [] } = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: t.LogGroupName }));
  const live = logGroups.find((g) => g.logGroupName === t.LogGroupName);
  if (!live) return [`no log group ${t.LogGroupName}`];
  return live.retentionInDays === t.RetentionInDays
    ? []
    : [`RetentionInDays: expected ${t.RetentionInDays}, got ${live.retentionInDays}`];
};

function bucketCheck(logicalId: string): Check {
  return async (p, c, d) => {
    const t = resolve(p, d);
    const { out, eq } = differ();
    const Bucket = d.resources.get(logicalId)!.physicalId;
    await c.s3.send(new HeadBucketCommand({ Bucket }));
    const live = await c.s3.send(new GetBucketEncryptionCommand({ Bucket }));
    const algorithms = (rules: any[] = []) =>
      rules.map(
        (r) => r.ServerSideEncryptionByDefault?.SSEAlgorithm ?? r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      );
    eq(
      'BucketEncryption',
      algorithms(t.BucketEncryption?.ServerSideEncryptionConfiguration),
      algorithms(live.ServerSideEncryptionConfiguration?.Rules),
    );
    return out;
  };
}

const dashboard: Check = async (p, c, d) => {
  const t = resolve(p, d);
  const live = await c.cloudwatch.send(new GetDashboardCommand({ DashboardName: t.DashboardName }));
  return isDeepStrictEqual(JSON.parse(t.DashboardBody), JSON.parse(live.DashboardBody ?? 'null'))
    ? []
    : [`DashboardBody differs from the template's`];
};

/** The types moto's CloudFormation creates, each read back through its own service. */
export const LIVE: Record<string, (logicalId: string) => Check> = {
  'AWS::Lambda::Function': () => lambdaFunction,
  'AWS::Lambda::Version': () => lambdaVersion,
  'AWS::Lambda::Permission': () => lambdaPermission,
  'AWS::Lambda::EventSourceMapping': () => eventSourceMapping,
  'AWS::Events::Rule': () => eventsRule,
  'AWS::DynamoDB::Table': dynamoTable,
  'AWS::SQS::Queue': () => sqsQueue,
  'AWS::SNS::Topic': () => snsTopic,
  'AWS::IAM::Role': roleCheck,
  'AWS::Logs::LogGroup': () => logGroup,
  'AWS::S3::Bucket': bucketCheck,
  'AWS::CloudWatch::Dashboard': () => dashboard,
};
