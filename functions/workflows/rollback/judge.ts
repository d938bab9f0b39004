import type { AnalysisEntry } from '../../config/policy-analysis';
import type { RollbackBinding } from '../../config/policy-rollback';
import { judge, type Judgment } from '../../domain/canary';
import {
  criteriaOf,
  endpointPlaceholders,
  judgmentWindow,
  outcomeOf,
  resolveMetrics,
  responseTo,
  type JudgmentWindow,
  type Placeholders,
} from '../../domain/judgment';
import { endpointPhase, IN_FLIGHT, isRollbackDeployment } from '../../domain/rollback';
import type { AlarmChange } from '../../parsing/alarm';
import type { MetricSeries, SeriesPair } from '../../ports/metric-series';
import { codeDeployPlaceholders, type Filled } from '../ecs-traffic';
import { act } from './alarm';
import type { RollbackFlow } from './flow';

/** In-flight deployments are looked for this far back: a canary bakes for hours, not days. */
const IN_FLIGHT_LOOKBACK_MS = 86_400_000;

/** At least this long a judgment's claim is held; a judge that crashed gives way after it. */
const CLAIM_SECONDS = 5 * 60;

/** What one judgment is about: a deployment in flight, or an endpoint config with its two variants. */
export interface JudgedPair {
  /** Identifies the pair in the claim and the decision: the deployment id, or the endpoint's config. */
  id: string;
  /** When the canary started serving (a deployment's creation); an endpoint's variants have no start. */
  since?: Date;
  /**
   * Its placeholder values, asked only once the interval is known unjudged: an ECS deployment's
   * are read from CodeDeploy and ELB (workflows/ecs-traffic.ts).
   */
  values: () => Promise<Filled>;
}

export interface SeriesJudgment {
  judgment: Judgment;
  /** Reasons for metrics that were not read (placeholders the target cannot fill). */
  unread: string[];
}

/**
 * Reads every metric of `entry` for `pair` in one GetMetricData request over `window` and judges
 * them. A metric whose placeholders the target cannot fill is not read and counts as without data;
 * `why` says why placeholders stayed unfilled, and is reported only when a metric needed them.
 */
export async function readAndJudge(
  series: MetricSeries,
  entry: AnalysisEntry,
  values: Placeholders,
  window: JudgmentWindow,
  why: readonly string[] = [],
): Promise<SeriesJudgment> {
  const { resolved, unresolved } = resolveMetrics(entry.metrics, values);
  const byName = new Map(entry.metrics.map((m) => [m.name, m]));
  const pairs: SeriesPair[] = resolved.map((r) => {
    const m = byName.get(r.metric)!;
    const ref = (dimensions: Record<string, string>) => ({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions,
      statistic: m.statistic,
    });
    return { metric: r.metric, canary: ref(r.canary), baseline: ref(r.baseline) };
  });
  const read = pairs.length > 0 ? await series.read(pairs, window) : [];
  const samples = Object.fromEntries(
    read.map((s) => [s.metric, { canary: s.canary.map((p) => p.value), baseline: s.baseline.map((p) => p.value) }]),
  );
  const unread = unresolved.map((u) => u.reason);
  return {
    judgment: judge(criteriaOf(entry), entry.thresholds, samples),
    unread: unread.length > 0 ? [...unread, ...why] : [],
  };
}

/** How a judgment came to be made, and what it made the controller do, as its record states it. */
export interface JudgmentContext {
  /** `tick`: the rollback schedule; `hook`: a deployment's AfterAllowTraffic hook. */
  via: 'tick' | 'hook';
  /** The sentence the reasons end with: what was done about the verdict. */
  action: string;
  /** The rollback binding a FAIL acts through, where the policy names one. */
  binding?: string;
  /** The hook execution the judgment answers (its rollback.hook record names the same one). */
  hookExecutionId?: string;
}

/** ±Infinity (a change from a zero baseline median) as the strings JSON has no number for. */
const jsonNumber = (n: number | undefined) => (n === undefined || Number.isFinite(n) ? n : String(n));

/**
 * The numbers of a judgment as its decision records them (each metric's test and effect), with the
 * thresholds and target they were judged against, so a report can show them without the policy.
 */
export function judgmentInputs(
  entry: AnalysisEntry,
  pair: string,
  window: JudgmentWindow,
  j: Judgment,
  context: JudgmentContext,
) {
  return {
    analysis: entry.name,
    pair,
    target: entry.target,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    verdict: j.verdict,
    score: j.score,
    thresholds: entry.thresholds,
    metrics: j.metrics.map(({ reason: _, ...numbers }) => ({
      ...numbers,
      ...(numbers.z !== undefined ? { z: jsonNumber(numbers.z) } : {}),
      ...(numbers.change !== undefined ? { change: jsonNumber(numbers.change) } : {}),
    })),
    ...context,
  };
}

/** The rollback binding whose targets a FAIL of `entry` rolls back (the policy requires one per endpoint). */
function bindingOf(flow: RollbackFlow, entry: AnalysisEntry): RollbackBinding | undefined {
  const cd = entry.target.codedeploy;
  const ep = entry.target.endpoint;
  return flow.policy.rollback.find((b) =>
    cd
      ? b.codedeploy?.application === cd.application && b.codedeploy.deploymentGroup === cd.deploymentGroup
      : b.endpoint?.name === ep!.name,
  );
}

/** The tick: every analysis judges its target's current pair once per interval. */
export async function judgeAll(flow: RollbackFlow): Promise<void> {
  if (!flow.series || flow.policy.analysis.length === 0) return;
  const failures: unknown[] = [];
  for (const entry of flow.policy.analysis) {
    // One analysis's failure must not keep the others from judging; the tick still fails.
    await judgeEntry(flow, flow.series, entry).catch((error: unknown) => {
      flow.logger.error('canary judgment failed', { analysis: entry.name, error: String(error) });
      failures.push(error);
    });
  }
  if (failures.length > 0) throw failures[0];
}

async function judgeEntry(flow: RollbackFlow, series: MetricSeries, entry: AnalysisEntry): Promise<void> {
  const cd = entry.target.codedeploy;
  if (cd) {
    const since = new Date(flow.now().getTime() - IN_FLIGHT_LOOKBACK_MS);
    const recent = await flow.deployments.recent(cd.application, cd.deploymentGroup, since);
    // CodeDeploy's own rollback, or the controller's redeploy, is no canary of a new version.
    const inFlight = recent.filter(
      (d) => (IN_FLIGHT as readonly string[]).includes(d.status) && !isRollbackDeployment(d),
    );
    for (const d of inFlight)
      await judgePair(flow, series, entry, {
        id: d.id,
        since: new Date(d.createTime),
        values: () => codeDeployPlaceholders(entry, d, cd.application, cd.deploymentGroup, flow.ecsTraffic),
      });
    return;
  }
  const ep = entry.target.endpoint!;
  const state = await flow.endpoints.describe(ep.name);
  // An endpoint that is missing or changing serves no steady pair of variants to compare.
  if (!state || endpointPhase(state.status) !== 'in-service') {
    flow.logger.info('endpoint not InService; not judged', { analysis: entry.name, status: state?.status ?? 'absent' });
    return;
  }
  await judgePair(flow, series, entry, {
    id: state.config,
    values: async () => ({ values: endpointPlaceholders(ep), reasons: [] }),
  });
}

/**
 * One judgment of one pair for the current interval: unless its claim is taken already, read,
 * judge, then commit the decision with the interval's claim, so however many ticks (retried, concurrent) reach the same interval, one
 * decision is recorded and one response made. FAIL rolls back as an alarm on the bound target
 * would, through the same steps and claims (so an alarm and a judgment on the same bad version
 * roll it back once); a failed rollback gives the claim back, and the next tick judges again.
 */
async function judgePair(flow: RollbackFlow, series: MetricSeries, entry: AnalysisEntry, pair: JudgedPair) {
  const subject = `${entry.name}/${pair.id}`;
  const at = judgmentWindow(flow.now(), entry, pair.since);
  if (at.phase === 'wait') {
    flow.logger.info('canary judgment waits', { analysis: entry.name, pair: pair.id, reason: at.reason });
    return;
  }
  const { window } = at;
  const key = `JUDGE#${entry.name}#${pair.id}#${window.end.toISOString()}`;
  // A tick every minute and an interval of many: every tick after the judgment finds the claim and
  // skips the series read, so an interval costs one GetMetricData, not one per tick. Ticks racing
  // to an unjudged interval may each read; the commit below still lets one decide.
  if (await flow.decisions.taken(key)) {
    flow.logger.info('interval already judged', { analysis: entry.name, pair: pair.id, end: window.end.toISOString() });
    return;
  }
  const filled = await pair.values();
  const { judgment, unread } = await readAndJudge(series, entry, filled.values, window, filled.reasons);
  const response = responseTo[judgment.verdict];
  const binding = bindingOf(flow, entry);
  const observing = entry.mode === 'observe';
  const rollsBack = response === 'roll-back' && binding !== undefined && !observing;
  const what = {
    'roll-back': rollsBack
      ? `rolling back as an alarm on binding ${binding!.name} would`
      : observing
        ? `observe mode (analysis ${entry.name}): no rollback`
        : `no rollback binding names this target: nothing is rolled back here`,
    hold: 'holding: nothing changes until a person looks or a later interval decides',
    continue: 'the canary continues',
    wait: 'no data is no pass: nothing changes',
  }[response];
  const committed = await flow.recorder.commit(
    {
      kind: 'analysis.judgment',
      subject,
      outcome: outcomeOf[judgment.verdict],
      reasons: [judgment.reason, ...judgment.metrics.map((m) => m.reason), ...unread, what],
      inputs: judgmentInputs(entry, pair.id, window, judgment, {
        via: 'tick',
        action: what,
        ...(binding ? { binding: binding.name } : {}),
      }),
    },
    {
      key,
      // Held past the end of the interval (every later tick of it finds the judgment made), from
      // the commit: a claim extended when done would cost one more write per judgment.
      ttlSeconds: Math.max(CLAIM_SECONDS, entry.intervalMinutes * 60 * 2),
    },
    [],
  );
  if (!committed) {
    flow.logger.info('interval already judged', { analysis: entry.name, pair: pair.id, end: window.end.toISOString() });
    return;
  }
  if (rollsBack) {
    const change: AlarmChange = {
      id: `judgment-${entry.name}-${pair.id}-${window.end.toISOString()}`,
      via: 'judgment',
      name: entry.name,
      state: 'ALARM',
      reason: judgment.reason,
      since: window.end.toISOString(),
    };
    try {
      await act(flow, binding!, change);
    } catch (error) {
      await committed.fail(error).catch(() => undefined);
      throw error;
    }
  }
  await committed.done();
}
