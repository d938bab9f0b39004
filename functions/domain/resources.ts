import type { Policy } from '../config/policy';
import { closestKey } from './closest';
import { analysisFindings, metricQueriesOf, type MetricQuery } from './resources-analysis';

/**
 * `validate --aws`: what the policy names in AWS (needs), and whether what AWS answered fits it
 * (findings). The lookups themselves are the Inventory port's; this module only decides.
 */

/**
 * What a read-only lookup found: the facts, a definite absence, or why it could not tell. A miss
 * may carry the names of that kind the account does have (`among`, from one cheap list call) for a
 * "did you mean"; `part: 'application'` says a deployment group's application is what is missing.
 */
export type Lookup<T> =
  | { state: 'present'; facts: T }
  | { state: 'missing'; detail: string; among?: readonly string[]; part?: 'application' }
  | { state: 'unchecked'; detail: string };

export interface PipelineFacts {
  /** GetPipeline's pipelineType; a pipeline declared before V2 existed may report none (V1). */
  pipelineType?: string;
  variables: string[];
  stages: Array<{ name: string; actions: Array<{ name: string; category?: string; provider?: string }> }>;
}
/** The parameter names of the pipeline definition; undefined when the definition could not be read. */
export interface SageMakerPipelineFacts {
  parameters?: string[];
}
export interface PlatformFacts {
  /** CodeDeploy computePlatform: Server, Lambda or ECS. */
  computePlatform?: string;
}
export interface BucketFacts {
  region?: string;
}
/** DescribeEndpoint: its status and the variants it serves (production and shadow). */
export interface EndpointFacts {
  status?: string;
  variants: string[];
  shadowVariants: string[];
}
export type AlarmKind = 'MetricAlarm' | 'CompositeAlarm';

export interface Needs {
  codePipelines: string[];
  sageMakerPipelines: string[];
  /** `application/group` pairs. */
  deploymentGroups: Array<{ application: string; group: string }>;
  /** Applications a hook names without a deployment group. */
  applications: string[];
  endpoints: string[];
  modelPackageGroups: string[];
  buckets: string[];
  objects: Array<{ bucket: string; key: string }>;
  alarmNames: string[];
  alarmPrefixes: string[];
  topics: string[];
  /** State machine ARNs (unqualified, version or alias) of stepfunctions targets. */
  stateMachines: string[];
  codeBuildProjects: string[];
  eventBuses: string[];
  /** One ListMetrics filter per distinct series an analysis reads (metricKey). */
  metrics: MetricQuery[];
}

export interface Found {
  codePipelines: Map<string, Lookup<PipelineFacts>>;
  sageMakerPipelines: Map<string, Lookup<SageMakerPipelineFacts>>;
  deploymentGroups: Map<string, Lookup<PlatformFacts>>;
  applications: Map<string, Lookup<PlatformFacts>>;
  endpoints: Map<string, Lookup<EndpointFacts>>;
  modelPackageGroups: Map<string, Lookup<object>>;
  buckets: Map<string, Lookup<BucketFacts>>;
  objects: Map<string, Lookup<object>>;
  /** Every name asked for: present with its kind, or missing. */
  alarms: Map<string, Lookup<{ kind: AlarmKind }>>;
  alarmPrefixes: Map<string, Lookup<{ count: number }>>;
  topics: Map<string, Lookup<object>>;
  stateMachines: Map<string, Lookup<object>>;
  codeBuildProjects: Map<string, Lookup<object>>;
  eventBuses: Map<string, Lookup<object>>;
  /** By metricKey: how many metrics ListMetrics lists for the filter (its first page). */
  metrics: Map<string, Lookup<{ count: number }>>;
}

export const groupKey = (application: string, group: string) => `${application}/${group}`;
export const objectKey = (bucket: string, key: string) => `s3://${bucket}/${key}`;

function s3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.replace(/^s3:\/\//, '');
  const slash = rest.indexOf('/');
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

const unique = <T>(items: T[], key: (t: T) => string = String): T[] => [
  ...new Map(items.map((t) => [key(t), t])).values(),
];

/** Every resource the policy names, each once (one lookup per resource, however often it is named). */
export function needsOf(policy: Policy): Needs {
  const codePipelines: string[] = [];
  const deploymentGroups: Needs['deploymentGroups'] = [];
  const buckets = [policy.controller.manifests.bucket];
  const topics: string[] = [];
  const modelPackageGroups: string[] = [];
  const endpoints: string[] = [];
  const alarmNames: string[] = [];
  const objects: Needs['objects'] = [];
  const stateMachines: string[] = [];
  const codeBuildProjects: string[] = [];
  for (const r of policy.retraining) {
    buckets.push(r.source.bucket);
    if (r.target.type === 'codepipeline') codePipelines.push(r.target.name);
    else if (r.target.type === 'stepfunctions') stateMachines.push(r.target.stateMachineArn);
    else if (r.target.type === 'codebuild') codeBuildProjects.push(r.target.name);
  }
  for (const g of policy.gates) {
    modelPackageGroups.push(g.modelPackageGroup);
    buckets.push(...g.reportBuckets);
    if (g.notifyTopicArn) topics.push(g.notifyTopicArn);
    for (const a of g.approvals) {
      codePipelines.push(a.pipeline);
      if (a.notificationTopicArn) topics.push(a.notificationTopicArn);
    }
  }
  for (const b of policy.rollback) {
    alarmNames.push(...b.alarms.names);
    if (b.codedeploy)
      deploymentGroups.push({ application: b.codedeploy.application, group: b.codedeploy.deploymentGroup });
    if (b.endpoint) endpoints.push(b.endpoint.name);
    if (b.modelPackageGroup) modelPackageGroups.push(b.modelPackageGroup);
    if (b.freeze) codePipelines.push(b.freeze.pipeline);
  }
  const applications: string[] = [];
  for (const h of policy.hooks) {
    if (h.deploymentGroup) deploymentGroups.push({ application: h.application, group: h.deploymentGroup });
    else applications.push(h.application);
    alarmNames.push(...h.alarms);
    if (h.smoke) {
      endpoints.push(h.smoke.endpoint);
      objects.push(s3Uri(h.smoke.payload));
    }
  }
  for (const s of policy.stageRetry) codePipelines.push(s.pipeline);
  if (policy.controller.decisions.topicArn) topics.push(policy.controller.decisions.topicArn);
  for (const a of policy.analysis) {
    const { codedeploy, endpoint } = a.target;
    if (codedeploy) deploymentGroups.push({ application: codedeploy.application, group: codedeploy.deploymentGroup });
    if (endpoint) endpoints.push(endpoint.name);
  }
  return {
    codePipelines: unique(codePipelines),
    sageMakerPipelines: unique(
      policy.retraining.flatMap((r) => (r.target.type === 'sagemaker' ? [r.target.name] : [])),
    ),
    deploymentGroups: unique(deploymentGroups, (d) => groupKey(d.application, d.group)),
    applications: unique(applications),
    endpoints: unique(endpoints),
    modelPackageGroups: unique(modelPackageGroups),
    buckets: unique(buckets),
    objects: unique(objects, (o) => objectKey(o.bucket, o.key)),
    alarmNames: unique(alarmNames),
    alarmPrefixes: unique(policy.rollback.flatMap((b) => b.alarms.prefixes)),
    topics: unique(topics),
    stateMachines: unique(stateMachines),
    codeBuildProjects: unique(codeBuildProjects),
    eventBuses: policy.controller.decisions.eventBus ? [policy.controller.decisions.eventBus] : [],
    metrics: metricQueriesOf(policy.analysis),
  };
}

/** The policy key and value a lookup was for (and the application, for a group): the "did you mean". */
export interface Named {
  key: string;
  value: string;
  application?: string;
}
/** The facts if the lookup found them; otherwise it records the finding at `path` and answers undefined. */
export type Present = <T>(path: string, what: string, lookup: Lookup<T> | undefined, named?: Named) => T | undefined;

export interface Findings {
  /** A named resource is missing or of the wrong kind: the policy would fail at run time. */
  errors: string[];
  warnings: string[];
  /** Lookups that could not tell (access denied, throttled): neither a pass nor a failure. */
  unchecked: string[];
}

const CATEGORY: Record<string, string> = {
  Source: 'source',
  Build: 'build',
  Test: 'test',
  Deploy: 'deploy',
  Invoke: 'invoke',
  Compute: 'compute',
};

/** Compares what AWS answered with what the policy needs; every finding names its policy path. */
export function findingsOf(policy: Policy, found: Found, region: string | undefined): Findings {
  const out: Findings = { errors: [], warnings: [], unchecked: [] };
  /**
   * The facts if present; else the missing/unchecked finding at `path`, and undefined. `named` is
   * the policy key and value looked up (and the application, for a group), so a miss among names
   * the account has can say which one was meant.
   */
  function present<T>(path: string, what: string, lookup: Lookup<T> | undefined, named?: Named): T | undefined {
    if (!lookup) return undefined;
    if (lookup.state === 'present') return lookup.facts;
    if (lookup.state === 'missing') {
      const asked =
        lookup.part === 'application' && named?.application !== undefined
          ? { key: 'application', value: named.application }
          : named;
      const meant = asked && lookup.among ? closestKey(asked.value, lookup.among) : undefined;
      const where = `${path}: no ${what}${region ? ` in ${region}` : ''} (${lookup.detail})`;
      out.errors.push(
        meant !== undefined && meant !== asked!.value
          ? `${where}: did you mean ${meant}? write ${asked!.key}: ${meant}, or create it`
          : `${where}: create it, or write the name of one that exists`,
      );
    } else out.unchecked.push(`${path}: ${what}: ${lookup.detail}`);
    return undefined;
  }
  const bucket = (path: string, name: string, events: boolean) => {
    const facts = present(path, `bucket ${name}`, found.buckets.get(name));
    if (facts?.region && region && facts.region !== region)
      out.errors.push(
        `${path}: bucket ${name} is in ${facts.region}, the stack in ${region}: ` +
          (events
            ? `S3 sends a bucket's events to EventBridge in the bucket's own region, so the stack would never see them; deploy the stack in ${facts.region} (--region ${facts.region}) or use a bucket in ${region}`
            : `the stack's S3 client reaches buckets of its own region; use a bucket in ${region}`),
      );
  };
  const declared = (path: string, pipeline: string, facts: PipelineFacts, variable: string, field: string) => {
    if (!facts.variables.includes(variable))
      out.errors.push(
        `${path}: pipeline ${pipeline} declares no variable ${variable}` +
          (facts.variables.length ? ` (it declares ${facts.variables.join(', ')})` : ' (it declares none)') +
          `: add ${variable} to the pipeline's variables, or write ${field}: <a declared variable>`,
      );
  };
  const stageOf = (path: string, pipeline: string, facts: PipelineFacts, stage: string) => {
    const found = facts.stages.find((s) => s.name === stage);
    if (!found)
      out.errors.push(
        `${path}: pipeline ${pipeline} has no stage ${stage} (its stages: ${facts.stages.map((s) => s.name).join(', ') || 'none'})`,
      );
    return found;
  };
  const pipeline = (path: string, name: string) =>
    present(path, `CodePipeline pipeline ${name}`, found.codePipelines.get(name));

  bucket('controller.manifests.bucket', policy.controller.manifests.bucket, false);
  policy.retraining.forEach((r, i) => {
    const at = `retraining[${i}]`;
    bucket(`${at}.source.bucket`, r.source.bucket, true);
    const t = r.target;
    if (t.type === 'codepipeline') {
      const facts = pipeline(`${at}.target.name`, t.name);
      if (!facts) return;
      if (facts.pipelineType !== 'V2')
        out.errors.push(
          `${at}.target.name: ${t.name} is a ${facts.pipelineType ?? 'V1'} pipeline: StartPipelineExecution takes variables (the manifest's URI) only on V2 pipelines; change it to V2 (pipelineType: V2)`,
        );
      declared(`${at}.target.manifestVariable`, t.name, facts, t.manifestVariable, 'manifestVariable');
      if (t.batchIdVariable)
        declared(`${at}.target.batchIdVariable`, t.name, facts, t.batchIdVariable, 'batchIdVariable');
      for (const v of Object.keys(t.variables)) declared(`${at}.target.variables.${v}`, t.name, facts, v, 'variables');
    } else if (t.type === 'sagemaker') {
      const facts = present(`${at}.target.name`, `SageMaker pipeline ${t.name}`, found.sageMakerPipelines.get(t.name));
      if (!facts?.parameters) return;
      const params = facts.parameters;
      const check = (path: string, name: string, field: string) => {
        if (!params.includes(name))
          out.errors.push(
            `${path}: SageMaker pipeline ${t.name} defines no parameter ${name}` +
              (params.length ? ` (it defines ${params.join(', ')})` : ' (it defines none)') +
              `: SageMaker refuses a start naming an undefined parameter; add it to the pipeline definition, or write ${field}: <a defined parameter>`,
          );
      };
      check(`${at}.target.manifestParameter`, t.manifestParameter, 'manifestParameter');
      if (t.batchIdParameter) check(`${at}.target.batchIdParameter`, t.batchIdParameter, 'batchIdParameter');
      for (const p of Object.keys(t.parameters)) check(`${at}.target.parameters.${p}`, p, 'parameters');
    } else if (t.type === 'stepfunctions')
      present(
        `${at}.target.stateMachineArn`,
        `Step Functions state machine ${t.stateMachineArn}`,
        found.stateMachines.get(t.stateMachineArn),
        { key: 'stateMachineArn', value: t.stateMachineArn },
      );
    else
      present(`${at}.target.name`, `CodeBuild project ${t.name}`, found.codeBuildProjects.get(t.name), {
        key: 'name',
        value: t.name,
      });
  });

  policy.gates.forEach((g, i) => {
    const at = `gates[${i}]`;
    present(
      `${at}.modelPackageGroup`,
      `model package group ${g.modelPackageGroup}`,
      found.modelPackageGroups.get(g.modelPackageGroup),
    );
    g.reportBuckets.forEach((b, k) => bucket(`${at}.reportBuckets[${k}]`, b, false));
    if (g.notifyTopicArn)
      present(`${at}.notifyTopicArn`, `SNS topic ${g.notifyTopicArn}`, found.topics.get(g.notifyTopicArn));
    g.approvals.forEach((a, k) => {
      const ap = `${at}.approvals[${k}]`;
      if (a.notificationTopicArn)
        present(
          `${ap}.notificationTopicArn`,
          `SNS topic ${a.notificationTopicArn}`,
          found.topics.get(a.notificationTopicArn),
        );
      const facts = pipeline(`${ap}.pipeline`, a.pipeline);
      if (!facts) return;
      if ('variable' in a.package)
        declared(`${ap}.package.variable`, a.pipeline, facts, a.package.variable, 'package: { variable }');
      const stage = stageOf(`${ap}.stage`, a.pipeline, facts, a.stage);
      if (!stage) return;
      const action = stage.actions.find((x) => x.name === a.action);
      const approvals = stage.actions.filter((x) => x.category === 'Approval').map((x) => x.name);
      const hint = approvals.length
        ? `name its approval action (${approvals.join(', ')})`
        : 'the stage has no approval action';
      if (!action)
        out.errors.push(
          `${ap}.action: stage ${a.pipeline}/${a.stage} has no action ${a.action} (its actions: ${stage.actions.map((x) => x.name).join(', ') || 'none'}); ${hint}`,
        );
      else if (action.category !== 'Approval')
        out.errors.push(
          `${ap}.action: ${a.action} is a ${CATEGORY[action.category ?? ''] ?? action.category ?? 'untyped'} action (${action.provider ?? 'unknown provider'}), not a manual approval: PutApprovalResult answers Approval actions only; ${hint}`,
        );
    });
  });

  policy.rollback.forEach((b, i) => {
    const at = `rollback[${i}]`;
    b.alarms.names.forEach((n, k) => present(`${at}.alarms.names[${k}]`, `alarm ${n}`, found.alarms.get(n)));
    b.alarms.prefixes.forEach((p, k) => {
      const facts = present(`${at}.alarms.prefixes[${k}]`, `alarm prefix ${p}`, found.alarmPrefixes.get(p));
      if (facts && facts.count === 0)
        out.warnings.push(
          `${at}.alarms.prefixes[${k}]: no alarm's name starts with ${p} yet, so the binding acts on none`,
        );
    });
    if (b.codedeploy) {
      const { application, deploymentGroup } = b.codedeploy;
      present(
        `${at}.codedeploy`,
        `CodeDeploy deployment group ${application}/${deploymentGroup}`,
        found.deploymentGroups.get(groupKey(application, deploymentGroup)),
        { key: 'deploymentGroup', value: deploymentGroup, application },
      );
    }
    if (b.endpoint)
      present(`${at}.endpoint.name`, `SageMaker endpoint ${b.endpoint.name}`, found.endpoints.get(b.endpoint.name));
    if (b.modelPackageGroup)
      present(
        `${at}.modelPackageGroup`,
        `model package group ${b.modelPackageGroup}`,
        found.modelPackageGroups.get(b.modelPackageGroup),
      );
    if (b.freeze) {
      const facts = pipeline(`${at}.freeze.pipeline`, b.freeze.pipeline);
      if (facts) stageOf(`${at}.freeze.stage`, b.freeze.pipeline, facts, b.freeze.stage);
    }
  });

  policy.hooks.forEach((h, i) => {
    const at = `hooks[${i}]`;
    const facts = h.deploymentGroup
      ? present(
          `${at}.deploymentGroup`,
          `CodeDeploy deployment group ${h.application}/${h.deploymentGroup}`,
          found.deploymentGroups.get(groupKey(h.application, h.deploymentGroup)),
          { key: 'deploymentGroup', value: h.deploymentGroup, application: h.application },
        )
      : present(`${at}.application`, `CodeDeploy application ${h.application}`, found.applications.get(h.application), {
          key: 'application',
          value: h.application,
        });
    if (facts?.computePlatform === 'Server')
      out.errors.push(
        `${at}.${h.deploymentGroup ? 'deploymentGroup' : 'application'}: ${h.deploymentGroup ? `${h.application}/${h.deploymentGroup}` : h.application} deploys to EC2/on-premises (Server): its lifecycle hooks are scripts the agent runs on the instances, never a Lambda function, so this check would never run; bind a Lambda or ECS deployment group`,
      );
    h.alarms.forEach((n, k) => present(`${at}.alarms[${k}]`, `alarm ${n}`, found.alarms.get(n)));
    if (h.smoke) {
      const { bucket: b, key } = s3Uri(h.smoke.payload);
      present(`${at}.smoke.endpoint`, `SageMaker endpoint ${h.smoke.endpoint}`, found.endpoints.get(h.smoke.endpoint));
      present(`${at}.smoke.payload`, `object ${h.smoke.payload}`, found.objects.get(objectKey(b, key)));
    }
  });

  policy.stageRetry.forEach((s, i) => {
    const facts = pipeline(`stageRetry[${i}].pipeline`, s.pipeline);
    if (facts) s.stages.forEach((stage, k) => stageOf(`stageRetry[${i}].stages[${k}]`, s.pipeline, facts, stage));
  });
  const { topicArn, eventBus } = policy.controller.decisions;
  if (topicArn) present('controller.decisions.topicArn', `SNS topic ${topicArn}`, found.topics.get(topicArn));
  if (eventBus)
    present('controller.decisions.eventBus', `EventBridge event bus ${eventBus}`, found.eventBuses.get(eventBus), {
      key: 'eventBus',
      value: eventBus,
    });
  analysisFindings(policy, found, out, present);
  return out;
}
