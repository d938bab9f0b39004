/**
 * The scenario's `world` (what exists before the first step) and the fields every step may carry.
 * The step kinds' own fields live with their interpreters (simulate-steps.ts lists them);
 * simulate-load.ts joins both into the scenario schema. docs/simulate.md documents every key.
 */
import * as z from 'zod';
import { METRIC_SOURCES } from '../config/policy-gates';
import { FUNCTION_KEYS, type FunctionKey } from './function-keys';
import { metricSeed } from './simulate-metrics';

const reportSource = z.enum(METRIC_SOURCES.filter((s) => s !== 'CustomerMetadataProperties') as [string, ...string[]]);

export const modelPackage = z.strictObject({
  group: z.string(),
  version: z.number().int().positive(),
  status: z.enum(['PendingManualApproval', 'Approved', 'Rejected']).default('PendingManualApproval'),
  /** ISO time; default: the simulated clock when seeded. */
  created: z.string().optional(),
  /** Report source → s3:// URI (its body is a `world.objects` entry, or missing on purpose). */
  reports: z.partialRecord(reportSource, z.string()).default({}),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type ModelPackageSeed = z.output<typeof modelPackage>;

export const approval = z.strictObject({
  pipeline: z.string(),
  stage: z.string(),
  action: z.string(),
  executionId: z.string(),
  token: z.string(),
  variables: z.record(z.string(), z.string()).default({}),
  /** GetPipelineState reads that do not show the token yet. */
  hiddenReads: z.number().int().nonnegative().default(0),
});
export type ApprovalSeed = z.output<typeof approval>;

/** A model package named by group and version (in the scenario's account and region) or by ARN. */
export const packageRef = z.union([
  z.strictObject({ group: z.string(), version: z.number().int().positive() }),
  z.string().regex(/^arn:aws[a-z-]*:sagemaker:[^:]+:\d{12}:model-package\/[^/]+\/\d+$/, 'must be a model package ARN'),
]);
export type PackageRef = z.output<typeof packageRef>;

const deployment = z.strictObject({
  id: z.string(),
  status: z.string(),
  minutesAgo: z.number().nonnegative(),
  revision: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
});

export const worldSchema = z
  .strictObject({
    /** S3 objects that exist (report bodies, smoke payloads, earlier data). */
    objects: z.array(z.strictObject({ bucket: z.string(), key: z.string(), body: z.string() })).default([]),
    /** Targets that exist: pipelines, state machines (by name) and CodeBuild projects. */
    pipelines: z
      .array(
        z.strictObject({ type: z.enum(['codepipeline', 'sagemaker', 'stepfunctions', 'codebuild']), name: z.string() }),
      )
      .default([]),
    modelPackages: z.array(modelPackage).default([]),
    /** Approval actions already waiting. */
    approvals: z.array(approval).default([]),
    /** Objects whose GET is AccessDenied. */
    denied: z.array(z.strictObject({ bucket: z.string(), key: z.string() })).default([]),
    /** CodeDeploy applications, groups and their deployments (times are minutes before `start`). */
    codedeploy: z
      .array(
        z.strictObject({
          application: z.string(),
          group: z.string(),
          /** The application's compute platform (CodeDeploy reports it on every deployment). */
          computePlatform: z.enum(['Server', 'Lambda', 'ECS']).optional(),
          deployments: z.array(deployment).default([]),
        }),
      )
      .default([]),
    endpoints: z
      .array(
        z.strictObject({
          name: z.string(),
          status: z.string().default('InService'),
          config: z.string(),
          /** Every config that exists, with the model package its model was created from. */
          configs: z.array(z.strictObject({ name: z.string(), modelPackageArn: z.string().optional() })).default([]),
          /** Smoke-request answer. */
          response: z.string().optional(),
        }),
      )
      .default([]),
    alarms: z
      .array(
        z.strictObject({
          name: z.string(),
          state: z.string().default('OK'),
          tags: z.record(z.string(), z.string()).default({}),
        }),
      )
      .default([]),
    /** What a Lambda alias serves now (lambda GetAlias), for Lambda redeploys. */
    lambdaAliases: z
      .array(z.strictObject({ function: z.string(), alias: z.string(), version: z.string() }))
      .default([]),
    /** ECS task definitions (as the AppSpec names them) and their status, for ECS redeploys. */
    taskDefinitions: z
      .array(z.strictObject({ taskDefinition: z.string(), status: z.string().default('ACTIVE') }))
      .default([]),
    /** Model packages known only by ARN and status (the registry entries `modelPackages` describe in full). */
    packageStatuses: z.array(z.strictObject({ arn: z.string(), status: z.string() })).default([]),
    /** CodePipeline action executions (ListActionExecutions), for the stage-retry rules. */
    actionRuns: z
      .array(
        z.strictObject({
          pipeline: z.string(),
          executionId: z.string(),
          stage: z.string(),
          action: z.string(),
          category: z.string(),
          status: z.string(),
        }),
      )
      .default([]),
    /** CloudWatch series the canary judgments (`analysis`) read: a line with seeded noise each. */
    metrics: z.array(metricSeed).default([]),
  })
  .prefault({});
export type WorldSeed = z.output<typeof worldSchema>;

export type FunctionName = FunctionKey;

/** What any step may carry besides its kind(s). */
export const stepFields = {
  /** "+90s", "+15m", "+2h", "+1d" or an ISO time. Advancing time runs the sweeper and rollback tick first. */
  at: z.string().optional(),
  /** Narration printed in the timeline. */
  say: z.string().optional(),
  /** Deliver the step's events this many times (duplicate delivery). */
  repeat: z.number().int().positive().default(1),
  /** Deliver the step's events (× repeat) all at once instead of one after another. */
  concurrent: z.boolean().default(false),
  /** The function that receives the step's events, instead of the one AWS would route them to. */
  to: z.enum(FUNCTION_KEYS).optional(),
};
