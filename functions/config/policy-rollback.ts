import * as z from 'zod';
import { mode } from './policy-guardrails';
import { plainName } from './policy-names';

/**
 * The rollback part of the policy: which alarms bind to which live targets (`rollback`), the checks
 * CodeDeploy lifecycle hooks run (`hooks`), and which failed CodePipeline stages are retried
 * (`stageRetry`). policy.ts adds these three top-level keys.
 */
const name = z
  .string({ error: 'required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only, at most 64');
const alarmName = plainName('alarm').min(1, 'required');
// Names sent in rollback requests, constrained as the services' API models constrain them: a
// name AWS refuses would fail the rollback mid-incident, so the policy refuses it at load.
/** CodeDeploy `ApplicationName` / `DeploymentGroupName`: 1–100 characters. */
const codeDeployName = (what: string, part?: 'first') =>
  plainName(what, part).min(1, 'required').max(100, 'at most 100 characters');
/** CodePipeline `PipelineName` / `StageName`: 1–100 of letters, digits, ".", "@", "-", "_". */
const codePipelineName = (what: string) =>
  plainName(what).regex(/^[A-Za-z0-9.@_-]{1,100}$/, 'letters, digits, ".", "@", "-" and "_" only, at most 100');
/** SageMaker `EndpointName` (UpdateEndpoint, InvokeEndpoint): alphanumerics joined by "-", ≤ 63. */
const endpointName = plainName('endpoint').regex(
  /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
  'letters, digits and "-" only (no "_" or "."), at most 63',
);
/** SageMaker `ModelPackageGroupName` (ArnOrName): a name as above, or its ARN; ≤ 170. */
const packageGroup = z
  .string({ error: 'required' })
  .max(170, 'at most 170 characters')
  .regex(
    /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?[a-zA-Z0-9][a-zA-Z0-9-]{0,62}(?<!-)$/,
    'a name of letters, digits and "-" (at most 63), or its ARN',
  );
const positiveInt = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be > 0');

const alarmSelector = z
  .strictObject({
    names: z.array(alarmName).default([]),
    prefixes: z.array(alarmName).default([]),
    /** Every tag listed must be on the alarm (ListTagsForResource on the alarm's ARN). */
    tags: z.record(z.string(), z.string()).default({}),
  })
  .refine((a) => a.names.length + a.prefixes.length + Object.keys(a.tags).length > 0, {
    message: 'needs at least one of names, prefixes, tags',
  });

const codeDeployTarget = z.strictObject({
  application: codeDeployName('application', 'first'),
  deploymentGroup: codeDeployName('deployment group'),
  /** How far back ListDeployments looks for the last good revision. */
  lookbackDays: positiveInt.max(90).default(30),
});

const freezeTarget = z.strictObject({
  pipeline: codePipelineName('pipeline'),
  stage: codePipelineName('stage'),
  /** Re-enable the transition by itself once every bound alarm is OK for this long; else a person does. */
  autoUnfreezeAfterOkSeconds: positiveInt.optional(),
});

export const rollbackBinding = z
  .strictObject({
    name,
    alarms: alarmSelector,
    /** Targets rolled back on ALARM (any combination). */
    codedeploy: codeDeployTarget.optional(),
    endpoint: z.strictObject({ name: endpointName }).optional(),
    /** The live package of this group is rejected (the endpoint history or the deployment names it). */
    modelPackageGroup: packageGroup.optional(),
    freeze: freezeTarget.optional(),
    /** Instead of rolling back, start this retraining rule (data-drift / model-quality alarms). */
    retrain: name.optional(),
    /**
     * An ALARM delivered later than this after the alarm entered ALARM (a redrive, a backlog) is
     * recorded as STALE and does not act: what is live now may not be what the alarm saw.
     */
    staleAfterSeconds: positiveInt.max(86_400, 'must be ≤ 86400 (a day)').default(3_600),
    mode: mode.optional(),
    /**
     * Replaced by `mode: observe`, the one switch every rule has (observe mode withholds the
     * binding's writes and records them as withheld): an old policy is refused with what to write.
     */
    observeOnly: z
      .never({
        error: (issue) =>
          issue.input === false
            ? 'no longer supported: remove `observeOnly: false` (enforce is the default)'
            : 'no longer supported: write `mode: observe` instead of `observeOnly: true`',
      })
      .optional(),
  })
  .superRefine((b, ctx) => {
    const acts = [b.codedeploy, b.endpoint, b.freeze, b.modelPackageGroup].filter(Boolean).length;
    if (b.retrain && acts > 0)
      ctx.addIssue({ code: 'custom', path: ['retrain'], message: 'a binding either retrains or rolls back, not both' });
    if (!b.retrain && acts === 0)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'needs a target: codedeploy, endpoint, modelPackageGroup, freeze or retrain',
      });
  });

const smokeCheck = z.strictObject({
  endpoint: endpointName,
  payload: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'must be an s3://bucket/key URI'),
  contentType: z.string().default('application/json'),
  /** The response must be JSON with these top-level keys, and/or match this regular expression. */
  expectJsonKeys: z.array(z.string().min(1)).optional(),
  expectPattern: z
    .string()
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression')
    .optional(),
});

export const hookRule = z.strictObject({
  application: codeDeployName('application', 'first'),
  /** Omitted: every deployment group of the application. */
  deploymentGroup: codeDeployName('deployment group').optional(),
  /** None of these may be in ALARM (an alarm that does not exist fails the check). */
  alarms: z.array(alarmName).default([]),
  /** The model package the deployment names (description or AppSpec) must be Approved. */
  requireApprovedPackage: z.boolean().default(true),
  smoke: smokeCheck.optional(),
  mode: mode.optional(),
});

export const stageRetryRule = z.strictObject({
  pipeline: codePipelineName('pipeline'),
  stages: z.array(codePipelineName('stage')).min(1, 'list at least one stage'),
  maxAttempts: positiveInt.max(10).default(2),
  /** Wait before retrying (the function's timeout leaves room for the longest delay). */
  delaySeconds: z.number().int().nonnegative().max(600, 'must be ≤ 600').default(30),
  mode: mode.optional(),
});

export const rollbackPolicyShape = {
  rollback: z.array(rollbackBinding).default([]),
  hooks: z.array(hookRule).default([]),
  stageRetry: z.array(stageRetryRule).default([]),
};

export type RollbackBinding = z.output<typeof rollbackBinding>;
export type HookRule = z.output<typeof hookRule>;
export type StageRetryRule = z.output<typeof stageRetryRule>;

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Cross-field checks: unique binding names, retrain names a retraining rule, one hook rule per group. */
export function rollbackIssues(policy: {
  retraining: Array<{ name: string }>;
  rollback: RollbackBinding[];
  hooks: HookRule[];
  stageRetry: StageRetryRule[];
}): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  policy.rollback.forEach((b, i) => {
    const prior = names.get(b.name);
    if (prior !== undefined)
      issues.push({ path: ['rollback', i, 'name'], message: `duplicate of rollback[${prior}].name` });
    names.set(b.name, i);
    if (b.retrain && !policy.retraining.some((r) => r.name === b.retrain))
      issues.push({ path: ['rollback', i, 'retrain'], message: `no retraining rule named ${b.retrain}` });
  });
  const groups = new Map<string, number>();
  policy.hooks.forEach((h, i) => {
    const key = `${h.application}/${h.deploymentGroup ?? '*'}`;
    const prior = groups.get(key);
    if (prior !== undefined)
      issues.push({ path: ['hooks', i], message: `same application and group as hooks[${prior}]` });
    groups.set(key, i);
  });
  const stages = new Map<string, number>();
  policy.stageRetry.forEach((s, i) =>
    s.stages.forEach((stage, j) => {
      const key = `${s.pipeline}/${stage}`;
      const prior = stages.get(key);
      if (prior !== undefined)
        issues.push({ path: ['stageRetry', i, 'stages', j], message: `${key} is already in stageRetry[${prior}]` });
      stages.set(key, i);
    }),
  );
  return issues;
}
