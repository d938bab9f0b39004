import type { AnalysisEntry } from '../config/policy-analysis';
import type { Policy } from '../config/policy';
import { closestKey } from './closest';
import { dimensionsOf, endpointPlaceholders, type Placeholders } from './judgment';
import { groupKey, type EndpointFacts, type Findings, type Found, type Present } from './resources';

/**
 * `validate --aws` for `analysis[]`: the targets (a Lambda deployment group; an endpoint serving the
 * variants named) and whether CloudWatch has the series the judgment will read.
 */

/** A ListMetrics filter: a dimension without a value matches every value of it. */
export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Array<{ name: string; value?: string }>;
}

export const metricKey = (q: MetricQuery): string =>
  JSON.stringify([q.namespace, q.metricName, q.dimensions.map((d) => [d.name, d.value ?? null])]);

/** ListMetrics takes at most 10 dimension filters. */
const MAX_FILTERS = 10;

/**
 * The values known before any deployment: an endpoint's three come from the policy; a CodeDeploy
 * deployment's function, alias, versions and id only exist once one runs.
 */
function staticValues(target: AnalysisEntry['target']): Placeholders {
  if (target.endpoint) return endpointPlaceholders(target.endpoint);
  const cd = target.codedeploy!;
  return { application: cd.application, deploymentGroup: cd.deploymentGroup };
}

/**
 * The ListMetrics filter of one side of a metric: a dimension whose value is fixed (or filled by a
 * static placeholder) filters on the value, one that a deployment fills on the name only. Fixed
 * values first, so the 10 kept are the most selective.
 */
export function seriesQuery(
  entry: AnalysisEntry,
  metric: AnalysisEntry['metrics'][number],
  side: 'canary' | 'baseline',
) {
  const values = staticValues(entry.target);
  const dims = Object.entries(dimensionsOf(metric, side)).map(([name, raw]) => {
    let known = true;
    const value = raw.replace(/\{([A-Za-z]+)\}/g, (_, p: string) => {
      const v = values[p];
      if (v === undefined) known = false;
      return v ?? '';
    });
    return known ? { name, value } : { name };
  });
  const ordered = [...dims.filter((d) => d.value !== undefined), ...dims.filter((d) => d.value === undefined)];
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: ordered.slice(0, MAX_FILTERS).sort((a, b) => a.name.localeCompare(b.name)),
  } satisfies MetricQuery;
}

/** Every distinct series filter of the policy's analyses, each once. */
export function metricQueriesOf(analysis: readonly AnalysisEntry[]): MetricQuery[] {
  const queries = new Map<string, MetricQuery>();
  for (const entry of analysis)
    for (const m of entry.metrics)
      for (const side of ['canary', 'baseline'] as const) {
        const q = seriesQuery(entry, m, side);
        queries.set(metricKey(q), q);
      }
  return [...queries.values()];
}

const seriesText = (q: MetricQuery) =>
  `${q.namespace} ${q.metricName}` +
  (q.dimensions.length
    ? ` with ${q.dimensions.map((d) => (d.value === undefined ? `${d.name}=*` : `${d.name}=${d.value}`)).join(', ')}`
    : '');

function variantFindings(
  at: string,
  target: NonNullable<AnalysisEntry['target']['endpoint']>,
  facts: EndpointFacts,
  out: Findings,
) {
  // An endpoint still being created lists no variants yet: nothing to compare.
  if (facts.variants.length === 0) return;
  const { name, canaryVariant, baselineVariant, canaryKind } = target;
  const serves = [...facts.variants, ...facts.shadowVariants];
  /** The variant meant, never the other side's (canary and baseline must differ). */
  const meant = (variant: string, other: string, field: string) => {
    const close = closestKey(
      variant,
      serves.filter((v) => v !== other),
    );
    return close !== undefined && close !== variant ? `; did you mean ${close}? write ${field}: ${close}` : '';
  };
  const listed = `its variants: ${facts.variants.join(', ')}${facts.shadowVariants.length ? `; shadow: ${facts.shadowVariants.join(', ')}` : ''}`;
  if (!facts.variants.includes(baselineVariant))
    out.errors.push(
      `${at}.target.endpoint.baselineVariant: endpoint ${name} serves no production variant ${baselineVariant} (${listed}): the baseline is the variant serving now, so nothing would be compared${meant(baselineVariant, canaryVariant, 'baselineVariant') || '; write baselineVariant: <one of them>'}`,
    );
  const [own, other, otherKind] =
    canaryKind === 'shadow'
      ? [facts.shadowVariants, facts.variants, 'production']
      : [facts.variants, facts.shadowVariants, 'shadow'];
  if (own.includes(canaryVariant)) return;
  if (other.includes(canaryVariant))
    out.warnings.push(
      `${at}.target.endpoint.canaryVariant: ${canaryVariant} is a ${otherKind} variant of endpoint ${name}, the policy says ${canaryKind}: write canaryKind: ${otherKind}`,
    );
  else
    out.warnings.push(
      `${at}.target.endpoint.canaryVariant: endpoint ${name} serves no ${canaryKind} variant ${canaryVariant} yet (${listed}): every judgment is NODATA until an endpoint config with it is InService${meant(canaryVariant, baselineVariant, 'canaryVariant')}`,
    );
}

/** The findings for `analysis[]`, at their paths, through the same `present` as the rest. */
export function analysisFindings(policy: Policy, found: Found, out: Findings, present: Present): void {
  policy.analysis.forEach((entry, i) => {
    const at = `analysis[${i}]`;
    const { codedeploy, endpoint } = entry.target;
    if (codedeploy) {
      const { application, deploymentGroup } = codedeploy;
      const facts = present(
        `${at}.target.codedeploy`,
        `CodeDeploy deployment group ${application}/${deploymentGroup}`,
        found.deploymentGroups.get(groupKey(application, deploymentGroup)),
        { key: 'deploymentGroup', value: deploymentGroup, application },
      );
      if (facts?.computePlatform && facts.computePlatform !== 'Lambda')
        out.errors.push(
          `${at}.target.codedeploy: ${application}/${deploymentGroup} deploys to ${facts.computePlatform}: the judgment compares a Lambda deployment's versions (its AppSpec's CurrentVersion and TargetVersion), and no ${facts.computePlatform} deployment names its canary's series; name a Lambda deployment group, or judge this model on its endpoint`,
        );
    } else if (endpoint) {
      const facts = present(
        `${at}.target.endpoint.name`,
        `SageMaker endpoint ${endpoint.name}`,
        found.endpoints.get(endpoint.name),
      );
      if (facts) variantFindings(at, endpoint, facts, out);
    }
    entry.metrics.forEach((m, j) => {
      const canary = seriesQuery(entry, m, 'canary');
      const baseline = seriesQuery(entry, m, 'baseline');
      // With a deployment's versions unknown, both sides often filter alike: one lookup, one finding.
      const sides =
        metricKey(canary) === metricKey(baseline)
          ? [{ q: canary, lacking: 'neither series has data yet', keys: 'dimensions' }]
          : [
              { q: canary, lacking: 'the canary series has no data yet', keys: 'dimensions and canary' },
              { q: baseline, lacking: 'the baseline series has no data yet', keys: 'dimensions and baseline' },
            ];
      for (const { q, lacking, keys } of sides) {
        const facts = present(`${at}.metrics[${j}]`, `metric ${seriesText(q)}`, found.metrics.get(metricKey(q)));
        if (facts?.count === 0)
          out.warnings.push(
            `${at}.metrics[${j}]: CloudWatch lists no ${seriesText(q)} (ListMetrics: none published in the last two weeks): ${lacking}, so the metric is NODATA until it is published; if it should be, check namespace, metricName and ${keys}`,
          );
      }
    });
  });
}
