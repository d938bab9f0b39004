import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { CloudWatchInventory } from '../adapters/aws/inventory/cloudwatch';
import { CodeBuildInventory } from '../adapters/aws/inventory/codebuild';
import { CodeDeployInventory } from '../adapters/aws/inventory/codedeploy';
import { CodePipelineInventory } from '../adapters/aws/inventory/codepipeline';
import { EventBusInventoryAws } from '../adapters/aws/inventory/eventbridge';
import { S3Inventory } from '../adapters/aws/inventory/s3';
import { SageMakerResourceInventory } from '../adapters/aws/inventory/sagemaker';
import { SnsInventory } from '../adapters/aws/inventory/sns';
import { StateMachineInventoryAws } from '../adapters/aws/inventory/stepfunctions';
import type { Policy } from '../config/policy';
import { findingsOf, groupKey, needsOf, objectKey, type Found, type Lookup } from '../domain/resources';
import { metricKey } from '../domain/resources-analysis';
import type { Inventory } from '../ports/inventory';

/**
 * Only these verbs: `validate --aws` reads, whatever the credentials it runs with may do
 * (CodeBuild's BatchGetProjects is its read of several projects at once).
 */
export const READ_ONLY = /^(Get|Describe|List|Head|BatchGet)/;

export interface AwsClients {
  codepipeline: CodePipelineClient;
  sagemaker: SageMakerClient;
  codedeploy: CodeDeployClient;
  s3: S3Client;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  stepfunctions: SFNClient;
  codebuild: CodeBuildClient;
  events: EventBridgeClient;
  /** `service.Operation` → calls sent, counted by a middleware on each client. */
  calls: Map<string, number>;
  /** The region the clients call, the stack's. */
  region: () => Promise<string | undefined>;
}

type Sendable = {
  middlewareStack: {
    add: (
      mw: (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>,
      o: object,
    ) => void;
  };
};

/**
 * Counts every command sent and refuses any that is not a read: the check runs with a person's
 * credentials, which may allow writes this command must never make.
 */
function guard(client: Sendable, service: string, calls: Map<string, number>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (!READ_ONLY.test(operation)) throw new Error(`validate --aws refuses ${service}.${operation}: not a read`);
      const key = `${service}.${operation}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'validateReadOnly' },
  );
}

/** SDK clients for the stack's region and credentials (the SDK's chain; --region/--profile set them). */
export function awsClients(config: Record<string, unknown> = {}): AwsClients {
  const calls = new Map<string, number>();
  const clients = {
    codepipeline: new CodePipelineClient(config),
    sagemaker: new SageMakerClient(config),
    codedeploy: new CodeDeployClient(config),
    // A bucket in another region answers HeadBucket with its region instead of a 301 error.
    s3: new S3Client({ ...config, followRegionRedirects: true }),
    cloudwatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    stepfunctions: new SFNClient(config),
    codebuild: new CodeBuildClient(config),
    events: new EventBridgeClient(config),
  };
  for (const [service, client] of Object.entries(clients)) guard(client as unknown as Sendable, service, calls);
  return { ...clients, calls, region: () => clients.s3.config.region() };
}

export function inventoryOf(clients: AwsClients): Inventory {
  const pipelines = new CodePipelineInventory(clients.codepipeline);
  const sagemaker = new SageMakerResourceInventory(clients.sagemaker);
  const codedeploy = new CodeDeployInventory(clients.codedeploy);
  const s3 = new S3Inventory(clients.s3);
  const cloudwatch = new CloudWatchInventory(clients.cloudwatch);
  const sns = new SnsInventory(clients.sns);
  const stateMachines = new StateMachineInventoryAws(clients.stepfunctions);
  const codebuild = new CodeBuildInventory(clients.codebuild);
  const events = new EventBusInventoryAws(clients.events);
  return {
    codePipeline: (n) => pipelines.codePipeline(n),
    sageMakerPipeline: (n) => sagemaker.sageMakerPipeline(n),
    endpoint: (n) => sagemaker.endpoint(n),
    modelPackageGroup: (n) => sagemaker.modelPackageGroup(n),
    deploymentGroup: (a, g) => codedeploy.deploymentGroup(a, g),
    application: (n) => codedeploy.application(n),
    bucket: (n) => s3.bucket(n),
    object: (b, k) => s3.object(b, k),
    alarms: (n) => cloudwatch.alarms(n),
    alarmPrefix: (p) => cloudwatch.alarmPrefix(p),
    topic: (a) => sns.topic(a),
    stateMachine: (a) => stateMachines.stateMachine(a),
    projects: (n) => codebuild.projects(n),
    eventBus: (n) => events.eventBus(n),
    metrics: (q) => cloudwatch.metrics(q),
  };
}

/** At most `width` lookups in flight: a policy naming fifty resources should not burst fifty calls. */
async function pooled<T>(tasks: Array<() => Promise<T>>, width = 4): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

/** Looks every named resource up once. */
export async function lookUp(policy: Policy, inventory: Inventory): Promise<Found> {
  const needs = needsOf(policy);
  const found: Found = {
    codePipelines: new Map(),
    sageMakerPipelines: new Map(),
    deploymentGroups: new Map(),
    applications: new Map(),
    endpoints: new Map(),
    modelPackageGroups: new Map(),
    buckets: new Map(),
    objects: new Map(),
    alarms: new Map(),
    alarmPrefixes: new Map(),
    topics: new Map(),
    stateMachines: new Map(),
    codeBuildProjects: new Map(),
    eventBuses: new Map(),
    metrics: new Map(),
  };
  const into =
    <T>(map: Map<string, Lookup<T>>, key: string, lookup: () => Promise<Lookup<T>>) =>
    async () => {
      map.set(key, await lookup());
    };
  await pooled([
    ...needs.codePipelines.map((n) => into(found.codePipelines, n, () => inventory.codePipeline(n))),
    ...needs.sageMakerPipelines.map((n) => into(found.sageMakerPipelines, n, () => inventory.sageMakerPipeline(n))),
    ...needs.deploymentGroups.map((d) =>
      into(found.deploymentGroups, groupKey(d.application, d.group), () =>
        inventory.deploymentGroup(d.application, d.group),
      ),
    ),
    ...needs.applications.map((n) => into(found.applications, n, () => inventory.application(n))),
    ...needs.endpoints.map((n) => into(found.endpoints, n, () => inventory.endpoint(n))),
    ...needs.modelPackageGroups.map((n) => into(found.modelPackageGroups, n, () => inventory.modelPackageGroup(n))),
    ...needs.buckets.map((n) => into(found.buckets, n, () => inventory.bucket(n))),
    ...needs.objects.map((o) =>
      into(found.objects, objectKey(o.bucket, o.key), () => inventory.object(o.bucket, o.key)),
    ),
    ...needs.alarmPrefixes.map((p) => into(found.alarmPrefixes, p, () => inventory.alarmPrefix(p))),
    ...needs.topics.map((t) => into(found.topics, t, () => inventory.topic(t))),
    ...needs.stateMachines.map((a) => into(found.stateMachines, a, () => inventory.stateMachine(a))),
    ...needs.eventBuses.map((b) => into(found.eventBuses, b, () => inventory.eventBus(b))),
    ...needs.metrics.map((q) => into(found.metrics, metricKey(q), () => inventory.metrics(q))),
    async () => {
      if (needs.alarmNames.length === 0) return;
      for (const [name, lookup] of await inventory.alarms(needs.alarmNames)) found.alarms.set(name, lookup);
    },
    async () => {
      if (needs.codeBuildProjects.length === 0) return;
      for (const [name, lookup] of await inventory.projects(needs.codeBuildProjects))
        found.codeBuildProjects.set(name, lookup);
    },
  ]);
  return found;
}

export interface AwsReport {
  errors: string[];
  warnings: string[];
  unchecked: string[];
  calls: Map<string, number>;
}

export async function checkAws(policy: Policy, clients: AwsClients): Promise<AwsReport> {
  const found = await lookUp(policy, inventoryOf(clients));
  return { ...findingsOf(policy, found, await clients.region()), calls: clients.calls };
}

/** `9 read-only calls: codepipeline.GetPipeline ×3, s3.HeadBucket ×2, …` */
export function formatCalls(calls: Map<string, number>): string {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const list = [...calls.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ×${n}`)
    .join(', ');
  return `${total} read-only call${total === 1 ? '' : 's'}${list ? `: ${list}` : ''}`;
}
