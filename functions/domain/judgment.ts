/**
 * What a live canary judgment reads and what its verdict makes the controller do, as pure
 * functions: the window of an interval, the placeholder values of a deployment in flight or an
 * endpoint's variants, the series each metric of an analysis names, and the response to a verdict.
 * The verdict itself is `judge` (canary.ts).
 */
import type { AnalysisEntry, AnalysisMetric } from '../config/policy-analysis';
import { readAppSpec } from './appspec';
import type { MetricCriteria, Verdict } from './canary';
import type { DeploymentInfo } from './rollback';

const MINUTE = 60_000;

/**
 * The domain's criteria for each metric of an entry (the entry's confidence where the metric sets
 * none). Here, not beside the schema in config/policy-analysis.ts: a function's bundle may import
 * only types from the policy modules (their classic zod stays out of it).
 */
export const criteriaOf = (entry: Pick<AnalysisEntry, 'metrics' | 'confidence'>): MetricCriteria[] =>
  entry.metrics.map((m) => ({
    name: m.name,
    worse: m.worse,
    confidence: m.confidence ?? entry.confidence,
    allowedChange: m.allowedChange,
    effect: m.effect,
    minPoints: m.minPoints,
    critical: m.critical,
    weight: m.weight,
  }));

/** The dimensions of one side: the shared ones, then the side's own (which win on a clash). */
export const dimensionsOf = (metric: AnalysisMetric, side: 'canary' | 'baseline'): Record<string, string> => ({
  ...metric.dimensions,
  ...metric[side],
});

export interface JudgmentWindow {
  start: Date;
  end: Date;
}

export type WindowVerdict = { phase: 'judge'; window: JudgmentWindow } | { phase: 'wait'; reason: string };

/**
 * The window judged at `now`: it ends at the last interval boundary (so every tick within one
 * interval judges the same window, and the interval is the judgment's identity) and reaches back
 * `lookbackMinutes`, but never before the canary existed (`since`, rounded up to a whole minute):
 * both series cover the same minutes, those in which the canary served.
 */
export function judgmentWindow(
  now: Date,
  entry: Pick<AnalysisEntry, 'intervalMinutes' | 'lookbackMinutes'>,
  since?: Date,
): WindowVerdict {
  const interval = entry.intervalMinutes * MINUTE;
  const end = Math.floor(now.getTime() / interval) * interval;
  let start = end - entry.lookbackMinutes * MINUTE;
  if (since) start = Math.max(start, Math.ceil(since.getTime() / MINUTE) * MINUTE);
  if (start >= end)
    return {
      phase: 'wait',
      reason: `the canary started at ${since!.toISOString()}, after the interval ending ${new Date(end).toISOString()}: nothing to judge yet`,
    };
  return { phase: 'judge', window: { start: new Date(start), end: new Date(end) } };
}

/** A CodeDeploy revision's AppSpec text (AppSpecContent or String revisions). */
function appSpecOf(d: DeploymentInfo): string | undefined {
  const r = (d.revision ?? {}) as { appSpecContent?: { content?: string }; string?: { content?: string } };
  return r.appSpecContent?.content ?? r.string?.content;
}

export type Placeholders = Partial<Record<string, string>>;

/**
 * The placeholder values of a deployment in flight: its group and id always; for a Lambda
 * deployment the function, the alias, the canary (TargetVersion) and the baseline
 * (CurrentVersion) from its AppSpec, which is what Lambda's ExecutedVersion dimension carries.
 * An ECS deployment's target groups are not in its AppSpec: workflows/ecs-traffic.ts reads them
 * from CodeDeploy's deployment target and ELB (domain/ecs-traffic.ts fills them).
 */
export function deploymentPlaceholders(application: string, group: string, d: DeploymentInfo): Placeholders {
  const values: Placeholders = { application, deploymentGroup: group, deploymentId: d.id };
  const text = appSpecOf(d);
  const fn = (text === undefined ? undefined : readAppSpec(text))?.resources.find(
    (r) => r.type === 'AWS::Lambda::Function',
  );
  if (fn) {
    const p = fn.properties;
    Object.assign(values, {
      ...(p.Name ? { function: p.Name } : {}),
      ...(p.Alias ? { alias: p.Alias } : {}),
      ...(p.TargetVersion ? { canaryVersion: p.TargetVersion } : {}),
      ...(p.CurrentVersion ? { baselineVersion: p.CurrentVersion } : {}),
    });
  }
  return values;
}

/** An endpoint's placeholders: the endpoint and the two variants the analysis names. */
export const endpointPlaceholders = (target: NonNullable<AnalysisEntry['target']['endpoint']>): Placeholders => ({
  endpoint: target.name,
  canaryVariant: target.canaryVariant,
  baselineVariant: target.baselineVariant,
});

export interface ResolvedMetric {
  metric: string;
  canary: Record<string, string>;
  baseline: Record<string, string>;
}

export type Resolution = { resolved: ResolvedMetric[]; unresolved: Array<{ metric: string; reason: string }> };

function fill(
  dims: Record<string, string>,
  values: Placeholders,
): { dims: Record<string, string> } | { missing: string[] } {
  const missing = new Set<string>();
  const out = Object.fromEntries(
    Object.entries(dims).map(([k, v]) => [
      k,
      v.replace(/\{([A-Za-z]+)\}/g, (_, p: string) => {
        const value = values[p];
        if (value === undefined) missing.add(p);
        return value ?? '';
      }),
    ]),
  );
  return missing.size > 0 ? { missing: [...missing] } : { dims: out };
}

/**
 * Each metric's canary and baseline dimensions with the placeholders filled. A metric whose
 * placeholders cannot be filled is not read: the judgment counts it as without data.
 */
export function resolveMetrics(metrics: readonly AnalysisMetric[], values: Placeholders): Resolution {
  const resolution: Resolution = { resolved: [], unresolved: [] };
  for (const m of metrics) {
    const canary = fill(dimensionsOf(m, 'canary'), values);
    const baseline = fill(dimensionsOf(m, 'baseline'), values);
    const missing = [
      ...new Set([...('missing' in canary ? canary.missing : []), ...('missing' in baseline ? baseline.missing : [])]),
    ];
    if ('dims' in canary && 'dims' in baseline)
      resolution.resolved.push({ metric: m.name, canary: canary.dims, baseline: baseline.dims });
    else
      resolution.unresolved.push({
        metric: m.name,
        reason: `${m.name} NODATA: ${missing.map((p) => `{${p}}`).join(', ')} cannot be filled for this target`,
      });
  }
  return resolution;
}

/**
 * What a verdict makes the controller do: FAIL rolls back as an alarm on the target would;
 * MARGINAL holds (nothing changes, a person is told); PASS lets the deployment go on; NODATA acts
 * on nothing (no data never counts as a pass, and never as a failure).
 */
export type JudgmentResponse = 'roll-back' | 'hold' | 'continue' | 'wait';

export const responseTo: Record<Verdict, JudgmentResponse> = {
  FAIL: 'roll-back',
  MARGINAL: 'hold',
  PASS: 'continue',
  NODATA: 'wait',
};

/** The decision's outcome word for a verdict: MARGINAL is recorded as HOLD, which notifies. */
export const outcomeOf: Record<Verdict, string> = {
  FAIL: 'FAIL',
  MARGINAL: 'HOLD',
  PASS: 'PASS',
  NODATA: 'NODATA',
};

/** A function name as an AppSpec hook may name it: a name, a qualified name, or an ARN. */
const bareName = (fn: string): string => (fn.startsWith('arn:') ? (fn.split(':')[6] ?? fn) : fn.split(':')[0]!);

/**
 * Which traffic hook of `d` the function `functionName` answers, read from the AppSpec's Hooks
 * (YAML `- AfterAllowTraffic: fn` or JSON `{"AfterAllowTraffic": "fn"}`): the invocation itself
 * names only the deployment and the hook execution. `both` when it answers both, undefined when
 * the AppSpec cannot tell.
 */
export function trafficHookOf(
  d: DeploymentInfo,
  functionName: string | undefined,
): 'BeforeAllowTraffic' | 'AfterAllowTraffic' | 'both' | undefined {
  const text = appSpecOf(d);
  if (!text || !functionName) return undefined;
  const events = new Set<string>();
  for (const m of text.matchAll(/["']?(BeforeAllowTraffic|AfterAllowTraffic)["']?[ \t]*:[ \t]*["']?([^"'\s,}#]+)/g))
    if (bareName(m[2]!) === bareName(functionName)) events.add(m[1]!);
  if (events.size === 2) return 'both';
  return events.size === 1 ? ([...events][0] as 'BeforeAllowTraffic' | 'AfterAllowTraffic') : undefined;
}
