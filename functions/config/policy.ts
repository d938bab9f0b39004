import * as z from 'zod';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from '../domain/errors';
import { checkGates, gatesSchema } from './policy-gates';
import { rollbackIssues, rollbackPolicyShape } from './policy-rollback';
import { guardrailsControllerShape, mode } from './policy-guardrails';
import { analysisIssues, analysisPolicyShape } from './policy-analysis';
import { branchesAt, knownKeysAt, unknownKeyMessages } from './policy-keys';
import { bucketName, keyPrefix, plainName } from './policy-names';

const name = z
  .string({ error: 'required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only, at most 64');
/** CodePipeline's `PipelineName` (API model): 1–100 of letters, digits, ".", "@", "-", "_". */
const codePipelineName = plainName('pipeline').regex(
  /^[A-Za-z0-9.@_-]{1,100}$/,
  'letters, digits, ".", "@", "-" and "_" only, at most 100',
);
/** SageMaker's `PipelineName` (API model): alphanumerics joined by single or repeated "-", ≤ 256. */
const sageMakerPipelineName = plainName('pipeline').regex(
  /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/,
  'letters, digits and "-" only (no "_"), starting with a letter or digit, at most 256',
);
/**
 * AWS matches a `.*` pattern as Java does: `.` stops at a line terminator, so a value with a line
 * break is refused at every start.
 */
const oneLine = /^[^\n\r\u0085\u2028\u2029]*$/;
/** CodePipeline's `PipelineVariableValue`: 1–1000 characters on one line. */
const variableValue = z
  .string({ error: 'required' })
  .min(1, 'must not be empty')
  .max(1000, 'at most 1000 characters')
  .regex(oneLine, 'must be one line');
/** SageMaker's `Parameter.Value` (`String1024`): at most 1024 characters. */
const parameterValue = z.string({ error: 'required' }).max(1024, 'at most 1024 characters');
const positiveInt = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be > 0');

/** StartPipelineExecution's `PipelineVariableName` (CodePipeline API model). */
const variableName = z
  .string({ error: 'required' })
  .regex(/^[A-Za-z0-9@_-]{1,128}$/, 'letters, digits, "@", "-" and "_" only, at most 128');
/** StartPipelineExecution's `PipelineParameterName` (SageMaker API model). */
const parameterName = z
  .string({ error: 'required' })
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'letters, digits, "-" and "_" only, at most 256');

/**
 * The batch-id name must not collide with the manifest's or a static one: the request sends each
 * name once, so a collision would silently drop one of the two values.
 */
function distinctBatchId(
  batchId: string | undefined,
  manifest: string,
  statics: Record<string, string>,
  field: string,
  ctx: z.core.$RefinementCtx,
): void {
  if (batchId === undefined) return;
  if (batchId === manifest)
    ctx.addIssue({ code: 'custom', path: [field], message: `must differ from the manifest's name (${manifest})` });
  else if (Object.hasOwn(statics, batchId))
    ctx.addIssue({ code: 'custom', path: [field], message: `${batchId} is also given a static value` });
}

const codePipelineTarget = z
  .strictObject({
    type: z.literal('codepipeline'),
    name: codePipelineName,
    /** V2 pipeline variable that receives the manifest's S3 URI. */
    manifestVariable: variableName.default('MANIFEST_URI'),
    /**
     * V2 pipeline variable that receives the run's id (`<rule>-<seq>`, or `alarm-<name>` for an
     * alarm-started run). Opt-in: StartPipelineExecution's `variables` override the pipeline's
     * declared variables, so only a name the pipeline declares may be sent.
     */
    batchIdVariable: variableName.optional(),
    variables: z.record(variableName, variableValue).default({}),
  })
  .superRefine((t, ctx) => distinctBatchId(t.batchIdVariable, t.manifestVariable, t.variables, 'batchIdVariable', ctx));

const sageMakerTarget = z
  .strictObject({
    type: z.literal('sagemaker'),
    name: sageMakerPipelineName,
    /** Pipeline parameter that receives the manifest's S3 URI. */
    manifestParameter: parameterName.default('ManifestUri'),
    /**
     * Pipeline parameter that receives the run's id. Opt-in: SageMaker requires every parameter
     * name to match one in the pipeline definition.
     */
    batchIdParameter: parameterName.optional(),
    parameters: z.record(parameterName, parameterValue).default({}),
  })
  .superRefine((t, ctx) =>
    distinctBatchId(t.batchIdParameter, t.manifestParameter, t.parameters, 'batchIdParameter', ctx),
  );

const trigger = z
  .strictObject({
    marker: z.string().min(1).optional(),
    maxObjects: positiveInt.optional(),
    maxBytes: positiveInt.optional(),
    quietSeconds: positiveInt.optional(),
  })
  .refine((t) => t.marker || t.maxObjects || t.maxBytes || t.quietSeconds, {
    message: 'needs at least one of marker, maxObjects, maxBytes, quietSeconds',
  });

const schemaCheck = z.strictObject({
  format: z.enum(['csv', 'jsonl']),
  columns: z.array(z.string().min(1)).min(1, 'list at least one column'),
  delimiter: z.string().length(1).default(','),
  /** Columns beyond the list are tolerated unless this is false. */
  allowExtra: z.boolean().default(false),
  /** Bytes read from the head of each object (ranged GET). */
  headBytes: positiveInt.max(1_048_576).default(65_536),
});

const guards = z.strictObject({
  cooldownSeconds: z.number().int().nonnegative().default(0),
  dailyCap: positiveInt.optional(),
  /** No start while an execution started by this rule is still running. */
  exclusive: z.boolean().default(true),
  /** After this long a running execution no longer blocks (its terminal event may be lost). */
  maxRunSeconds: positiveInt.default(6 * 3600),
});

const retrainingRule = z.strictObject({
  name,
  source: z.strictObject({
    bucket: bucketName,
    prefix: keyPrefix.default(''),
    suffix: z.string().optional(),
  }),
  target: z.discriminatedUnion('type', [codePipelineTarget, sageMakerTarget], {
    error: 'type must be codepipeline or sagemaker',
  }),
  trigger,
  schema: schemaCheck.optional(),
  guards: guards.default({ cooldownSeconds: 0, exclusive: true, maxRunSeconds: 6 * 3600 }),
  mode: mode.optional(),
});

export const policySchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1' }),
    controller: z.strictObject({
      /** Events from other accounts/regions are ignored (recorded, never acted on). */
      accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).min(1, 'required'),
      regions: z
        .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region like us-east-1'))
        .min(1, 'required'),
      manifests: z.strictObject({
        bucket: bucketName,
        prefix: keyPrefix.default('mlops-controller/manifests/'),
      }),
      /** Days decision records are kept (DynamoDB TTL). */
      decisionTtlDays: positiveInt.default(90),
      ...guardrailsControllerShape,
    }),
    retraining: z.array(retrainingRule).default([]),
    gates: gatesSchema,
    ...rollbackPolicyShape,
    ...analysisPolicyShape,
  })
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.retraining.forEach((rule, i) => {
      const prior = seen.get(rule.name);
      if (prior !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['retraining', i, 'name'],
          message: `duplicate of retraining[${prior}].name`,
        });
      seen.set(rule.name, i);
    });
    const sources = new Map<string, number>();
    policy.retraining.forEach((rule, i) => {
      const key = `${rule.source.bucket}\u0000${rule.source.prefix}\u0000${rule.source.suffix ?? ''}`;
      const prior = sources.get(key);
      if (prior !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['retraining', i, 'source'],
          message: `same bucket, prefix and suffix as retraining[${prior}]: an object would have no single owner`,
        });
      sources.set(key, i);
    });
    for (const issue of checkGates(policy.gates)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of rollbackIssues(policy)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of analysisIssues(policy)) ctx.addIssue({ code: 'custom', ...issue });
  });

export type Policy = z.output<typeof policySchema>;
export type RetrainingRule = Policy['retraining'][number];
export type RetrainingTarget = RetrainingRule['target'];

/** `retraining[2].target.name: required` */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

/** The single account and region the controller lists, to fill `<account>`/`<region>` in what to write. */
function controllerPlaceholders(input: unknown): (message: string) => string {
  const controller = (input as { controller?: { accounts?: unknown; regions?: unknown } } | null)?.controller;
  const only = (list: unknown) =>
    Array.isArray(list) && list.length === 1 && typeof list[0] === 'string' ? list[0] : undefined;
  const account = only(controller?.accounts);
  const region = only(controller?.regions);
  return (message) =>
    message.replaceAll('<account>', account ?? '<account>').replaceAll('<region>', region ?? '<region>');
}

/** Each issue as `path: message`; unknown keys get a "did you mean" from the schema at their path. */
export function describePolicyIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const fill = controllerPlaceholders(input);
  const problems: string[] = [];
  // A misspelled required key is also reported missing under its right name: the suggestion says both.
  const suggested = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeysAt(policySchema, issue.path, input);
    const branches = branchesAt(policySchema, issue.path, input);
    for (const k of unknownKeyMessages(issue.keys, known, issue.input, branches)) {
      problems.push(`${formatIssuePath(issue.path) || '(top level)'}: ${k.message}`);
      if (k.suggestion !== undefined) suggested.add(formatIssuePath([...issue.path, k.suggestion]));
    }
  }
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const where = formatIssuePath(issue.path);
    // Whatever is said about the key spelled right (missing, required with another) follows from the misspelling.
    if (suggested.has(where)) continue;
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const message = missing ? 'required' : fill(issue.message);
    problems.push(where ? `${where}: ${message}` : message);
  }
  return problems;
}

export function validatePolicy(input: unknown): Policy {
  // reportInput: so a wrong-typed value ("must be a number") is told apart from a missing one ("required").
  const result = policySchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new PolicyError(describePolicyIssues(result.error.issues, input));
}

export function parsePolicyText(text: string): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new PolicyError([`not valid YAML/JSON: ${(cause as Error).message}`]);
  }
  return validatePolicy(raw);
}
