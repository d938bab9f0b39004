import * as z from 'zod';
import type { MetricCriteria } from '../domain/canary';
import { dimensionsOf } from '../domain/judgment';
import { mode } from './policy-guardrails';

/**
 * Canary analysis: which CodeDeploy deployment group or SageMaker endpoint is judged while a new
 * version bakes, on which CloudWatch metrics, and how (docs/canary.md). policy.ts adds the
 * top-level `analysis` key; `analysisIssues` reports the cross-field mistakes with their paths.
 */
const name = z
  .string({ error: 'required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only, at most 64');
/** CodeDeploy `ApplicationName` / `DeploymentGroupName`: 1–100 characters. */
const codeDeployName = z.string({ error: 'required' }).min(1, 'required').max(100, 'at most 100 characters');
/** SageMaker `EndpointName` and `VariantName`: alphanumerics joined by "-", ≤ 63. */
const sageMakerName = z
  .string({ error: 'required' })
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'letters, digits and "-" only (no "_" or "."), at most 63');
const positiveInt = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be > 0');
const finite = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const percent = finite.refine((n) => n >= 0 && n <= 100, 'must be between 0 and 100');

/**
 * The placeholders a dimension value may hold, by target kind: the judgment fills them from the
 * deployment in flight or from the endpoint's variants. A CodeDeploy target's own placeholders
 * depend on its platform: Lambda's come from the deployment's AppSpec (function, alias, target
 * and current version); ECS's from the deployment's target (GetDeploymentTarget: the cluster and
 * service, the Green and Blue task sets' target groups) and the load balancer both groups are
 * attached to (DescribeTargetGroups), as the CloudWatch ELB dimensions spell them. The green and
 * blue target groups swap at every ECS deployment, so they are read from each deployment.
 */
export const ANALYSIS_PLACEHOLDERS = {
  codedeploy: ['application', 'deploymentGroup', 'deploymentId'],
  lambda: ['function', 'alias', 'canaryVersion', 'baselineVersion'],
  ecs: ['cluster', 'service', 'canaryTargetGroup', 'baselineTargetGroup', 'loadBalancer'],
  endpoint: ['endpoint', 'canaryVariant', 'baselineVariant'],
} as const;
export type Placeholder = (typeof ANALYSIS_PLACEHOLDERS)[keyof typeof ANALYSIS_PLACEHOLDERS][number];

/** CodeDeploy compute platforms an analysis judges (Server deployments have no canary to compare). */
export const JUDGED_PLATFORMS = ['lambda', 'ecs'] as const;
export type JudgedPlatform = (typeof JUDGED_PLATFORMS)[number];

/** The placeholders a target of `kind` (and, for CodeDeploy, `platform`) may name. */
export const placeholdersFor = (kind: 'codedeploy' | 'endpoint', platform: JudgedPlatform = 'lambda'): string[] =>
  kind === 'endpoint'
    ? [...ANALYSIS_PLACEHOLDERS.endpoint]
    : [...ANALYSIS_PLACEHOLDERS.codedeploy, ...ANALYSIS_PLACEHOLDERS[platform]];

/** Every `{name}` in a value; a brace that opens no placeholder is reported by the schema. */
export const placeholdersIn = (value: string): string[] => [...value.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);

/** Dimension names and values are ASCII without control characters, with a non-blank character (CloudWatch API). */
const printableAscii = /^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$/;
const dimensionName = z
  .string()
  .min(1, 'required')
  .max(255, 'at most 255 characters')
  .regex(printableAscii, 'printable ASCII with at least one non-blank character')
  .refine((n) => !n.startsWith(':'), 'must not start with ":"');
const dimensionValue = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(1024, 'at most 1024 characters')
  .regex(printableAscii, 'printable ASCII with at least one non-blank character')
  .refine((v) => !/[{}]/.test(v.replace(/\{[A-Za-z]+\}/g, '')), 'a "{" or "}" that is not part of a {placeholder}');
const dimensions = z.record(dimensionName, dimensionValue);

/**
 * GetMetricData's `Stat`: the five basic statistics, percentiles (p99, p99.9), the trimmed and
 * windsorized forms (tm90, wm90, tc90, ts90) and their ranges (TM(10%:90%), PR(:300)), and IQM.
 */
const statistic = z
  .string({ error: 'required' })
  .regex(
    /^(SampleCount|Sum|Average|Minimum|Maximum|IQM|(p|tm|wm|tc|ts)(100|\d{1,2}(\.\d{1,10})?)|(PR|TM|WM|TC|TS)\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\))$/,
    'a CloudWatch statistic: SampleCount, Sum, Average, Minimum, Maximum, pNN(.N), tmNN, wmNN, tcNN, tsNN, TM(a%:b%), PR(a:b) or IQM',
  );

export const worse = z.enum(['increase', 'decrease', 'either'], { error: 'must be increase, decrease or either' });
const confidence = finite.refine((n) => n >= 50 && n < 100, 'must be a percent ≥ 50 and < 100, e.g. 95');

/** The documented defaults (docs/canary.md); `analyze` without a policy uses the same. */
export const ANALYSIS_DEFAULTS = {
  worse: 'increase',
  confidence: 95,
  allowedChange: 10,
  minPoints: 10,
  effect: 'hodges-lehmann',
  critical: false,
  weight: 1,
  thresholds: { pass: 95, marginal: 75 },
  intervalMinutes: 5,
  lookbackMinutes: 15,
} as const;

export const analysisMetric = z.strictObject({
  /** Shown in the reasons; unique within the analysis. */
  name: z.string({ error: 'required' }).min(1, 'required').max(64, 'at most 64 characters'),
  namespace: z
    .string({ error: 'required' })
    .min(1, 'required')
    .max(255, 'at most 255 characters')
    .refine((n) => !n.startsWith(':'), 'must not start with ":"'),
  metricName: z.string({ error: 'required' }).min(1, 'required').max(255, 'at most 255 characters'),
  statistic,
  /** Dimensions both series share; `canary` and `baseline` add to them (and win on a clash). */
  dimensions: dimensions.default({}),
  canary: dimensions.default({}),
  baseline: dimensions.default({}),
  worse: worse.default(ANALYSIS_DEFAULTS.worse),
  /** Overrides the analysis's confidence for this metric. */
  confidence: confidence.optional(),
  /** Percent of the baseline's median the canary may be worse by. */
  allowedChange: finite
    .refine((n) => n >= 0, 'must be ≥ 0 (a percent of the baseline median)')
    .default(ANALYSIS_DEFAULTS.allowedChange),
  effect: z
    .enum(['hodges-lehmann', 'median-ratio'], { error: 'must be hodges-lehmann or median-ratio' })
    .default(ANALYSIS_DEFAULTS.effect),
  /** Points per side (one a minute) below which the metric is NODATA. */
  minPoints: positiveInt.min(3, 'must be ≥ 3 (a rank test needs points)').default(ANALYSIS_DEFAULTS.minPoints),
  critical: z.boolean({ error: 'must be true or false' }).default(ANALYSIS_DEFAULTS.critical),
  weight: finite.refine((n) => n > 0, 'must be > 0').default(ANALYSIS_DEFAULTS.weight),
});

const codeDeployTarget = z.strictObject({
  application: codeDeployName,
  deploymentGroup: codeDeployName,
  /** The group's compute platform: which placeholders the judgment can fill from its deployments. */
  platform: z.enum(JUDGED_PLATFORMS, { error: 'must be lambda or ecs' }).default('lambda'),
});
const endpointTarget = z
  .strictObject({
    name: sageMakerName,
    canaryVariant: sageMakerName,
    baselineVariant: sageMakerName,
    /** `shadow`: the canary is a shadow variant of the baseline's endpoint; `production`: both serve. */
    canaryKind: z.enum(['production', 'shadow'], { error: 'must be production or shadow' }).default('production'),
  })
  .refine((t) => t.canaryVariant !== t.baselineVariant, {
    path: ['canaryVariant'],
    message: 'must differ from baselineVariant',
  });

const target = z
  .strictObject({ codedeploy: codeDeployTarget.optional(), endpoint: endpointTarget.optional() })
  .refine((t) => (t.codedeploy === undefined) !== (t.endpoint === undefined), {
    message:
      'needs exactly one of codedeploy { application, deploymentGroup } or endpoint { name, canaryVariant, baselineVariant }',
  });

const thresholds = z
  .strictObject({
    pass: percent.refine((n) => n > 0, 'must be > 0: a pass at score 0 would pass a canary whose every metric failed'),
    marginal: percent,
  })
  .refine((t) => t.marginal <= t.pass, { path: ['marginal'], message: 'must be ≤ pass' });

export const analysisEntry = z.strictObject({
  name,
  target,
  metrics: z.array(analysisMetric).min(1, 'list at least one metric'),
  confidence: confidence.default(ANALYSIS_DEFAULTS.confidence),
  /** Score (weighted share of passing metrics, 0–100) needed for PASS and for MARGINAL. */
  thresholds: thresholds.default(ANALYSIS_DEFAULTS.thresholds),
  /** One judgment per interval while the deployment bakes. */
  intervalMinutes: positiveInt.max(1440, 'at most 1440 (a day)').default(ANALYSIS_DEFAULTS.intervalMinutes),
  /** The window judged, ending at the judgment's time: one point a minute per series. */
  lookbackMinutes: positiveInt.max(1440, 'at most 1440 (a day)').default(ANALYSIS_DEFAULTS.lookbackMinutes),
  /** Answer the deployment's AfterAllowTraffic hook with the judgment (CodeDeploy targets only). */
  hook: z.boolean({ error: 'must be true or false' }).default(false),
  mode: mode.optional(),
});

export type AnalysisEntry = z.output<typeof analysisEntry>;
export type AnalysisMetric = AnalysisEntry['metrics'][number];

export const analysisPolicyShape = { analysis: z.array(analysisEntry).default([]) };

/** One GetMetricData call returns at most 100,800 data points; a judgment makes one call. */
export const MAX_POINTS_PER_CALL = 100_800;
/** …and holds at most 500 queries, two per metric. */
export const MAX_QUERIES_PER_CALL = 500;

/** The criteria of a metric the policy says nothing about: what `analyze` without a policy judges. */
export const defaultCriteria = (name: string): MetricCriteria => ({
  name,
  worse: ANALYSIS_DEFAULTS.worse,
  confidence: ANALYSIS_DEFAULTS.confidence,
  allowedChange: ANALYSIS_DEFAULTS.allowedChange,
  effect: ANALYSIS_DEFAULTS.effect,
  minPoints: ANALYSIS_DEFAULTS.minPoints,
  critical: ANALYSIS_DEFAULTS.critical,
  weight: ANALYSIS_DEFAULTS.weight,
});

/** When `p` belongs to the other CodeDeploy platform: what to write instead. */
function otherPlatformHint(p: string, kind: 'codedeploy' | 'endpoint', platform: JudgedPlatform): string {
  if (kind !== 'codedeploy') return '';
  const other: JudgedPlatform = platform === 'ecs' ? 'lambda' : 'ecs';
  if (!(ANALYSIS_PLACEHOLDERS[other] as readonly string[]).includes(p)) return '';
  return platform === 'ecs'
    ? ' (it is a Lambda one: an ECS deployment has no versions, its canary and baseline are target groups)'
    : ' (it is an ECS one: set target.codedeploy.platform: ecs if this group deploys to ECS)';
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/**
 * Cross-field checks: unique names; a target the policy already names (a rollback binding for the
 * group or endpoint, so a FAIL has a rollback to run; or a hook rule for the group); only the
 * placeholders of the target's kind; canary and baseline series that differ; a window long enough
 * for minPoints; one GetMetricData call per judgment.
 */
export function analysisIssues(policy: {
  analysis: AnalysisEntry[];
  rollback: Array<{ codedeploy?: { application: string; deploymentGroup: string }; endpoint?: { name: string } }>;
  hooks: Array<{ application: string; deploymentGroup?: string }>;
}): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  const targets = new Map<string, number>();
  policy.analysis.forEach((a, i) => {
    const at = (...path: PropertyKey[]): PropertyKey[] => ['analysis', i, ...path];
    const prior = names.get(a.name);
    if (prior !== undefined) issues.push({ path: at('name'), message: `duplicate of analysis[${prior}].name` });
    names.set(a.name, i);

    // zod runs this check even when the target's own refinement failed: that one already reported it.
    const { codedeploy, endpoint } = a.target;
    if ((codedeploy === undefined) === (endpoint === undefined)) return;
    const kind = codedeploy ? 'codedeploy' : 'endpoint';
    const key = codedeploy
      ? `codedeploy/${codedeploy.application}/${codedeploy.deploymentGroup}`
      : `endpoint/${endpoint!.name}/${endpoint!.canaryVariant}/${endpoint!.baselineVariant}`;
    const priorTarget = targets.get(key);
    if (priorTarget !== undefined)
      issues.push({
        path: at('target'),
        message: `analysis[${priorTarget}] already judges this target: a deployment would get two verdicts`,
      });
    targets.set(key, i);
    if (codedeploy) {
      const { application, deploymentGroup } = codedeploy;
      const named =
        policy.rollback.some(
          (b) => b.codedeploy?.application === application && b.codedeploy.deploymentGroup === deploymentGroup,
        ) ||
        policy.hooks.some(
          (h) =>
            h.application === application && (h.deploymentGroup === undefined || h.deploymentGroup === deploymentGroup),
        );
      if (!named)
        issues.push({
          path: at('target', 'codedeploy'),
          message: `${application}/${deploymentGroup} is in no rollback binding (codedeploy) or hooks rule: add one so a FAIL can act`,
        });
    } else {
      const name = endpoint!.name;
      if (!policy.rollback.some((b) => b.endpoint?.name === name))
        issues.push({
          path: at('target', 'endpoint', 'name'),
          message: `endpoint ${name} is in no rollback binding: add one (endpoint: { name: ${name} }) so a FAIL can act`,
        });
      if (a.hook)
        issues.push({ path: at('hook'), message: 'only a CodeDeploy target has an AfterAllowTraffic hook to answer' });
    }

    const platform = codedeploy?.platform ?? 'lambda';
    const allowed = placeholdersFor(kind, platform);
    const where =
      kind === 'endpoint' ? 'an endpoint' : `${platform === 'ecs' ? 'an ECS' : 'a Lambda'} CodeDeploy target`;
    const metricNames = new Map<string, number>();
    a.metrics.forEach((m, j) => {
      const priorMetric = metricNames.get(m.name);
      if (priorMetric !== undefined)
        issues.push({ path: at('metrics', j, 'name'), message: `duplicate of metrics[${priorMetric}].name` });
      metricNames.set(m.name, j);
      for (const field of ['dimensions', 'canary', 'baseline'] as const)
        for (const [dim, value] of Object.entries(m[field]))
          for (const p of placeholdersIn(value))
            if (!allowed.includes(p))
              issues.push({
                path: at('metrics', j, field, dim),
                message: `{${p}} is not a placeholder of ${where}${otherPlatformHint(p, kind, platform)}; use one of ${allowed.map((x) => `{${x}}`).join(', ')}`,
              });
      const canary = dimensionsOf(m, 'canary');
      const baseline = dimensionsOf(m, 'baseline');
      for (const [side, dims] of [
        ['canary', canary],
        ['baseline', baseline],
      ] as const)
        if (Object.keys(dims).length > 30)
          issues.push({ path: at('metrics', j, side), message: 'at most 30 dimensions per series (CloudWatch)' });
      if (JSON.stringify(Object.entries(canary).sort()) === JSON.stringify(Object.entries(baseline).sort()))
        issues.push({
          path: at('metrics', j),
          message: 'canary and baseline name the same series: give them different dimensions (canary:, baseline:)',
        });
      if (m.minPoints > a.lookbackMinutes)
        issues.push({
          path: at('metrics', j, 'minPoints'),
          message: `more than lookbackMinutes (${a.lookbackMinutes}) one-minute points: the metric could never be judged`,
        });
    });
    if (a.metrics.length * 2 > MAX_QUERIES_PER_CALL)
      issues.push({
        path: at('metrics'),
        message: `at most ${MAX_QUERIES_PER_CALL / 2} metrics (one GetMetricData call)`,
      });
    else if (a.metrics.length * 2 * a.lookbackMinutes > MAX_POINTS_PER_CALL)
      issues.push({
        path: at('lookbackMinutes'),
        message: `metrics × 2 × lookbackMinutes is over the ${MAX_POINTS_PER_CALL} points one GetMetricData call returns`,
      });
  });
  return issues;
}
