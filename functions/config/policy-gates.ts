import * as z from 'zod';
import { mode } from './policy-guardrails';
import { bucketName, plainName, snsTopicArn } from './policy-names';

/**
 * Model quality gates: which model package groups are judged on which metrics, and which
 * CodePipeline approval actions are answered by a gate. Cross-field mistakes are reported by
 * `checkGates` with the path of the offending field.
 */

/** Where a metric is read: one of the package's ModelMetrics reports (JSON in S3), or its metadata. */
export const METRIC_SOURCES = [
  'ModelQuality.Statistics',
  'ModelQuality.Constraints',
  'ModelDataQuality.Statistics',
  'ModelDataQuality.Constraints',
  'Bias.Report',
  'Bias.PreTrainingReport',
  'Bias.PostTrainingReport',
  'Explainability.Report',
  'CustomerMetadataProperties',
] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

const finite = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((n) => n >= 0, 'must be >= 0');

const check = z.strictObject({
  /** Name shown in the approval description. */
  metric: z.string({ error: 'required' }).min(1, 'required').max(64, 'at most 64 characters'),
  from: z.enum(METRIC_SOURCES, { error: `must be one of ${METRIC_SOURCES.join(', ')}` }),
  /** Dot path in the report (`binary_classification_metrics.auc.value`), or the metadata key. */
  path: z.string({ error: 'required' }).min(1, 'required'),
  severity: z.enum(['critical', 'warning'], { error: 'must be critical or warning' }).default('critical'),
  min: finite.optional(),
  max: finite.optional(),
  /** Which way is better; required by the champion-relative fields. */
  direction: z.enum(['higher', 'lower'], { error: 'must be higher or lower' }).optional(),
  /** Largest allowed worsening versus the champion, in the metric's unit. */
  maxDegradation: nonNegative.optional(),
  /** Largest allowed worsening versus the champion, in percent of the champion's value. */
  maxDegradationPct: nonNegative.optional(),
  /** Smallest required improvement versus the champion, in the metric's unit. */
  minImprovement: nonNegative.optional(),
});
export type GateCheck = z.output<typeof check>;

const packageFromVariable = z.strictObject({ variable: z.string().min(1, 'required') });
const packageFromStatus = z.strictObject({
  status: z.enum(['PendingManualApproval', 'Approved'], { error: 'must be PendingManualApproval or Approved' }),
});

/** CodePipeline `PipelineName`/`StageName`/`ActionName` (PutApprovalResult's model): ≤ 100 of these. */
const codePipelineName = (what: string) =>
  plainName(what).regex(/^[A-Za-z0-9.@_-]{1,100}$/, 'letters, digits, ".", "@", "-" and "_" only, at most 100');

const approval = z.strictObject({
  pipeline: codePipelineName('pipeline'),
  stage: codePipelineName('stage'),
  action: codePipelineName('action'),
  /**
   * How the execution's model package is found: a V2 pipeline variable holding its ARN, or the
   * group's newest package in a status.
   */
  package: z.union([packageFromVariable, packageFromStatus], {
    error: 'must be { variable: NAME } or { status: PendingManualApproval | Approved }',
  }),
  /**
   * The SNS topic the approval action notifies (or a CodeStar Notifications rule on the pipeline
   * targets), when the gate should also answer from it.
   */
  notificationTopicArn: snsTopicArn(/^arn:aws[a-z-]*:sns:/).optional(),
});
export type ApprovalBinding = z.output<typeof approval>;

export const gateSchema = z.strictObject({
  name: z
    .string({ error: 'required' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only, at most 64'),
  /** Model package group name (not ARN). */
  modelPackageGroup: plainName('model package group').regex(
    /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
    'must be a model package group name',
  ),
  checks: z.array(check).min(1, 'list at least one check'),
  /** No approved package in the group yet: judge on the absolute checks alone, or hold. */
  firstModel: z.enum(['approve', 'hold'], { error: 'must be approve or hold' }).default('hold'),
  mode: mode.optional(),
  /** A critical check without data (NODATA/ERROR). */
  onMissingData: z.enum(['hold', 'reject'], { error: 'must be hold or reject' }).default('hold'),
  /** A warning check that did not pass. */
  onWarning: z.enum(['hold', 'approve'], { error: 'must be hold or approve' }).default('hold'),
  /** Reports larger than this are not read (ERROR). */
  reportMaxBytes: z.number().int().positive().max(10_485_760, 'at most 10485760').default(1_048_576),
  /** HOLD decisions are published here for a person to look at. */
  notifyTopicArn: snsTopicArn(/^arn:aws[a-z-]*:sns:/).optional(),
  /** Buckets the reports may be read from (the IAM scope); a report elsewhere is an ERROR, never read. */
  reportBuckets: z.array(bucketName).default([]),
  approvals: z.array(approval).default([]),
});
export type Gate = z.output<typeof gateSchema>;

export const gatesSchema = z.array(gateSchema).default([]);

type Issue = { path: PropertyKey[]; message: string };

/** Cross-field checks; each problem names its path under `gates`. */
export function checkGates(gates: readonly Gate[]): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  const groups = new Map<string, number>();
  const bindings = new Map<string, string>();
  gates.forEach((gate, g) => {
    const priorName = names.get(gate.name);
    if (priorName !== undefined)
      issues.push({ path: ['gates', g, 'name'], message: `duplicate of gates[${priorName}].name` });
    names.set(gate.name, g);
    const priorGroup = groups.get(gate.modelPackageGroup);
    if (priorGroup !== undefined)
      issues.push({
        path: ['gates', g, 'modelPackageGroup'],
        message: `gates[${priorGroup}] already judges this group: a package would get two verdicts`,
      });
    groups.set(gate.modelPackageGroup, g);
    const metrics = new Map<string, number>();
    gate.checks.forEach((c, i) => {
      const at = (field: string) => ['gates', g, 'checks', i, field];
      const prior = metrics.get(c.metric);
      if (prior !== undefined) issues.push({ path: at('metric'), message: `duplicate of checks[${prior}].metric` });
      metrics.set(c.metric, i);
      const relative =
        c.maxDegradation !== undefined || c.maxDegradationPct !== undefined || c.minImprovement !== undefined;
      if (relative && !c.direction)
        issues.push({
          path: at('direction'),
          message: 'required with maxDegradation, maxDegradationPct or minImprovement',
        });
      if (!relative && c.min === undefined && c.max === undefined)
        issues.push({
          path: ['gates', g, 'checks', i],
          message:
            'needs min, max, or a champion comparison (direction with maxDegradation, maxDegradationPct or minImprovement)',
        });
      if (c.min !== undefined && c.max !== undefined && c.min > c.max)
        issues.push({ path: at('max'), message: `must be >= min (${c.min})` });
      if (c.minImprovement !== undefined && (c.maxDegradation !== undefined || c.maxDegradationPct !== undefined))
        issues.push({
          path: at('minImprovement'),
          message: 'contradicts maxDegradation/maxDegradationPct: require an improvement or allow a degradation',
        });
      if (c.from === 'CustomerMetadataProperties' && c.path.length > 128)
        issues.push({ path: at('path'), message: 'a metadata key has at most 128 characters' });
    });
    if (gate.reportBuckets.length === 0 && gate.checks.some((c) => c.from !== 'CustomerMetadataProperties'))
      issues.push({
        path: ['gates', g, 'reportBuckets'],
        message: 'list the buckets holding the reports the checks read',
      });
    gate.approvals.forEach((a, i) => {
      const key = `${a.pipeline}\u0000${a.stage}\u0000${a.action}`;
      const prior = bindings.get(key);
      if (prior !== undefined)
        issues.push({ path: ['gates', g, 'approvals', i], message: `this action is already bound by ${prior}` });
      bindings.set(key, `gates[${g}].approvals[${i}]`);
    });
  });
  return issues;
}
