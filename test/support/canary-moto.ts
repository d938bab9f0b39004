/**
 * Canary series and canary deployments on moto, for the judgment's integration tests. CloudWatch
 * refuses PutMetricData into AWS/ namespaces, so Lambda's Duration is published with Lambda's
 * dimensions under a namespace of the test's own.
 */
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import { noise } from './canary-series';
import { fixMotoCodeDeployTimes } from './moto-codedeploy-times';

export const NAMESPACE = 'Test/Lambda';

export type MotoShape = 'drifting' | 'equal' | 'starved';

/** A Lambda AppSpec shifting `fn`'s `live` alias from version 7 to 8, with the traffic hooks given. */
export const lambdaAppSpec = (fn: string, hooks: Record<string, string> = {}) =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        predict: {
          Type: 'AWS::Lambda::Function',
          Properties: { Name: fn, Alias: 'live', CurrentVersion: '7', TargetVersion: '8' },
        },
      },
    ],
    ...(Object.keys(hooks).length > 0 ? { Hooks: Object.entries(hooks).map(([k, v]) => ({ [k]: v })) } : {}),
  });

/**
 * Canary (version 8) and baseline (version 7) Duration of `fn`, one value a minute from 30 minutes
 * before the last 5-minute boundary to 5 minutes after it (the ticks may run into the next interval).
 */
export async function putSeries(cloudwatch: CloudWatchClient, fn: string, shape: MotoShape): Promise<void> {
  const r = noise(7);
  const end = Math.floor(Date.now() / 300_000) * 300_000;
  const data = [];
  for (let i = 0; i < 35; i++) {
    const at = new Date(end - (30 - i) * 60_000 + 5_000);
    const value = (version: string, v: number) => ({
      MetricName: 'Duration',
      Dimensions: [
        { Name: 'FunctionName', Value: fn },
        { Name: 'Resource', Value: `${fn}:live` },
        { Name: 'ExecutedVersion', Value: version },
      ],
      Timestamp: at,
      Value: v,
    });
    const baseline = 100 + (shape === 'equal' ? 10 : 3) * r();
    const canary = shape === 'drifting' ? 100 + 4 * i + 3 * r() : shape === 'equal' ? 100 + 10 * r() : 100 + r();
    data.push(value('7', baseline));
    // Starved: the canary served in the last 4 minutes of the interval only.
    if (shape !== 'starved' || (i >= 26 && i < 30)) data.push(value('8', canary));
  }
  // Small requests: moto's server answers larger PutMetricData requests with an HTML error page.
  for (let i = 0; i < data.length; i += 20)
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: NAMESPACE, MetricData: data.slice(i, i + 20) }));
}

/**
 * The runtime's CodeDeploy answers (GetDeployment, BatchGetDeployments) with `ids` created `agoMs`
 * before now: moto stamps a deployment with the time the test created it, and a judgment's window
 * starts at the canary's creation.
 */
export function backdate(client: CodeDeployClient, ids: () => Iterable<string>, agoMs: number): void {
  fixMotoCodeDeployTimes(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const ours = new Set(ids());
      const output = result.output as {
        deploymentInfo?: { deploymentId?: string; createTime?: Date };
        deploymentsInfo?: Array<{ deploymentId?: string; createTime?: Date }>;
      };
      for (const d of [output.deploymentInfo, ...(output.deploymentsInfo ?? [])])
        if (d?.deploymentId && ours.has(d.deploymentId)) d.createTime = new Date(Date.now() - agoMs);
      return result;
    },
    { step: 'initialize', priority: 'low', name: 'backdate' },
  );
}

/** The canary metric every judgment test judges: Duration per ExecutedVersion, critical. */
export const latencyMetric = {
  name: 'latency',
  namespace: NAMESPACE,
  metricName: 'Duration',
  statistic: 'Average',
  dimensions: { FunctionName: '{function}', Resource: '{function}:{alias}' },
  canary: { ExecutedVersion: '{canaryVersion}' },
  baseline: { ExecutedVersion: '{baselineVersion}' },
  critical: true,
};

/** An endpoint A/B's metric: per variant, the endpoint and variants filled from the policy. */
export const variantLatencyMetric = {
  name: 'latency',
  namespace: 'AWS/SageMaker',
  metricName: 'ModelLatency',
  statistic: 'Average',
  dimensions: { EndpointName: '{endpoint}' },
  canary: { VariantName: '{canaryVariant}' },
  baseline: { VariantName: '{baselineVariant}' },
};

/**
 * A Lambda application with a `live` group and one canary deployment of `fn` in flight (moto keeps
 * every deployment `Created`, as a canary that is baking); its id.
 */
export async function canaryDeployment(
  codedeploy: CodeDeployClient,
  application: string,
  fn: string,
  options: { description?: string; hooks?: Record<string, string> } = {},
): Promise<string> {
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
    }),
  );
  const out = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: lambdaAppSpec(fn, options.hooks) } },
      ...(options.description ? { description: options.description } : {}),
    }),
  );
  return out.deploymentId!;
}

/** The rollback schedule's EventBridge event, as the AWS Events reference documents it. */
export const rollbackTick = () => ({
  version: '0',
  id: 'b2f3c2d4-3e5e-4d7a-9c1b-2f2a7b1f0c12',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/mlops-controller-rollback-tick'],
  detail: {},
});

/** The decisions of `kind` in the state table: subject, outcome, inputs (stored as one JSON string) and the item's text. */
export async function decisionsOf(dynamo: DynamoDBClient, table: string, kind: string) {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.filter((i) => i.kind?.S === kind).map((i) => ({
    subject: i.subject?.S,
    outcome: i.outcome?.S,
    inputs: JSON.parse(i.inputs?.S ?? '{}') as { window?: { end?: string } },
    text: JSON.stringify(i),
  }));
}
