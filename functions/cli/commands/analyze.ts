/**
 * `mlops-controller analyze`: the canary judgment of functions/domain/canary.ts run offline on two
 * exported series, so thresholds can be tuned on past incidents before a policy acts on them.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type * as z from 'zod';
import type { AnalysisEntry } from '../../config/policy-analysis';
// Tiny, and main.ts loads it anyway.
import { ControllerError } from '../../domain/errors';
import type { Judgment, MetricCriteria, MetricSamples, Thresholds } from '../../domain/canary';
import type { ParsedSeries, Series } from '../../parsing/metric-series';

export interface AnalyzeOptions {
  baseline: string;
  canary: string;
  policy?: string;
  analysis?: string;
  metric?: string;
  json?: boolean;
  worse?: string;
  confidence?: string;
  allowedChange?: string;
  minPoints?: string;
  effect?: string;
  pass?: string;
  marginal?: string;
}

export interface AnalyzeResult {
  judgment: Judgment;
  criteria: MetricCriteria[];
  thresholds: Thresholds;
  warnings: string[];
  /** What the command prints on stdout. */
  output: string;
  /** 0 PASS, 2 FAIL, 3 MARGINAL, 4 NODATA (1 stays the CLI's "could not run"). */
  exitCode: number;
}

export const EXIT_CODES = { PASS: 0, FAIL: 2, MARGINAL: 3, NODATA: 4 } as const;

/** Everything but reading the files is pure, so the tests pass the files' text in. */
export async function analyze(
  options: AnalyzeOptions,
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): Promise<AnalyzeResult> {
  const { parseSeriesFile } = await import('../../parsing/metric-series');
  const { judge } = await import('../../domain/canary');
  const { ANALYSIS_DEFAULTS, analysisMetric, analysisEntry, defaultCriteria } =
    await import('../../config/policy-analysis');
  const { criteriaOf } = await import('../../domain/judgment');

  let criteria: MetricCriteria[];
  let thresholds: Thresholds;
  if (options.policy !== undefined) {
    const { parsePolicyText } = await import('../../config/policy');
    const policy = parsePolicyText(read(options.policy));
    const entry = pickEntry(policy.analysis, options);
    criteria = criteriaOf(entry);
    thresholds = entry.thresholds;
    if (options.metric !== undefined) {
      criteria = criteria.filter((c) => c.name === options.metric);
      if (criteria.length === 0)
        throw new ControllerError(
          `analysis ${entry.name} has no metric ${options.metric}; its metrics: ${entry.metrics.map((m) => m.name).join(', ')}`,
        );
    }
  } else {
    if (options.analysis !== undefined) throw new ControllerError('--analysis needs --policy <file>');
    criteria = [defaultCriteria(options.metric ?? 'metric')];
    thresholds = { ...ANALYSIS_DEFAULTS.thresholds };
  }

  // Overrides are checked by the policy's own field schemas: the same rules, the same messages.
  const field = <T>(flag: string, schema: z.ZodType<T>, raw: unknown): T => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ControllerError(`${flag}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const s = analysisMetric.shape;
  const overrides: Partial<MetricCriteria> = {
    ...(options.worse !== undefined ? { worse: field('--worse', s.worse, options.worse) } : {}),
    ...(options.confidence !== undefined
      ? { confidence: field('--confidence', s.confidence, number(options.confidence)) }
      : {}),
    ...(options.allowedChange !== undefined
      ? { allowedChange: field('--allowed-change', s.allowedChange, number(options.allowedChange)) }
      : {}),
    ...(options.minPoints !== undefined
      ? { minPoints: field('--min-points', s.minPoints, number(options.minPoints)) }
      : {}),
    ...(options.effect !== undefined ? { effect: field('--effect', s.effect, options.effect) } : {}),
  };
  criteria = criteria.map((c) => ({ ...c, ...overrides }));
  if (options.pass !== undefined || options.marginal !== undefined)
    thresholds = field('--pass/--marginal', analysisEntry.shape.thresholds, {
      pass: options.pass !== undefined ? number(options.pass) : thresholds.pass,
      marginal: options.marginal !== undefined ? number(options.marginal) : thresholds.marginal,
    });

  const canary = parseSeriesFile(read(options.canary), options.canary);
  const baseline = parseSeriesFile(read(options.baseline), options.baseline);
  const warnings = [...canary.warnings, ...baseline.warnings];
  const canarySeries = assign(criteria, canary, options.canary, warnings);
  const baselineSeries = assign(criteria, baseline, options.baseline, warnings);
  const samples: Record<string, MetricSamples> = {};
  for (const c of criteria) {
    const cs = canarySeries.get(c.name);
    const bs = baselineSeries.get(c.name);
    if (cs && bs) samples[c.name] = { canary: cs.points.map((p) => p.value), baseline: bs.points.map((p) => p.value) };
  }
  const judgment = judge(criteria, thresholds, samples);

  const span = (side: string, file: string, series: Series | undefined) => {
    if (!series || series.points.length === 0) return `    ${side} ${file}: no points`;
    const times = series.points.map((p) => p.time);
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    return `    ${side} ${file}: ${series.points.length} points, ${iso(Math.min(...times))} to ${iso(Math.max(...times))}`;
  };
  const output = options.json
    ? JSON.stringify({ ...judgment, criteria, thresholds, warnings }, finite, 2)
    : [
        judgment.verdict,
        judgment.reason,
        ...judgment.metrics.flatMap((m) => [
          `  ${m.reason}`,
          span('canary', options.canary, canarySeries.get(m.name)),
          span('baseline', options.baseline, baselineSeries.get(m.name)),
        ]),
      ].join('\n');
  return { judgment, criteria, thresholds, warnings, output, exitCode: EXIT_CODES[judgment.verdict] };
}

/** ±Infinity (a change from a zero baseline median) as the strings JSON has no number for. */
const finite = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;

function pickEntry(entries: readonly AnalysisEntry[], options: AnalyzeOptions): AnalysisEntry {
  const names = entries.map((e) => e.name).join(', ') || 'none';
  if (options.analysis === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw new ControllerError(
      `${options.policy} has ${entries.length} analysis entries (${names}): pick one with --analysis NAME`,
    );
  }
  const entry = entries.find((e) => e.name === options.analysis);
  if (!entry) throw new ControllerError(`${options.policy} has no analysis ${options.analysis}; its entries: ${names}`);
  return entry;
}

/**
 * Which series of a file is which metric: the only series for the only metric, else the series
 * whose get-metric-data Label or Id is the metric's name (a metric without one is NODATA).
 */
function assign(
  criteria: readonly MetricCriteria[],
  parsed: ParsedSeries,
  file: string,
  warnings: string[],
): Map<string, Series> {
  const out = new Map<string, Series>();
  if (criteria.length === 1 && parsed.series.length === 1) return out.set(criteria[0]!.name, parsed.series[0]!);
  if (parsed.series.every((s) => s.names.length === 0))
    throw new ControllerError(
      `${file} holds ${parsed.series.length} unnamed series and the judgment has metrics ${criteria.map((c) => c.name).join(', ')}: pick one with --metric NAME, or export get-metric-data JSON whose Labels are the metric names`,
    );
  for (const c of criteria) {
    const matches = parsed.series.filter((s) => s.names.includes(c.name));
    if (matches.length > 1) throw new ControllerError(`${file}: ${matches.length} series are labelled ${c.name}`);
    if (matches[0]) out.set(c.name, matches[0]);
    else warnings.push(`${file}: no series labelled ${c.name} (it is judged NODATA)`);
  }
  for (const s of parsed.series)
    if (!criteria.some((c) => s.names.includes(c.name)))
      warnings.push(`${file}: series ${s.names.join('/') || '(unnamed)'} matches no metric and is ignored`);
  return out;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .requiredOption(
      '--baseline <file>',
      'the baseline series: CSV timestamp,value or aws cloudwatch get-metric-data JSON',
    )
    .requiredOption('--canary <file>', 'the canary series, in either format')
    .option('--policy <file>', 'judge as this policy does (its analysis entry: criteria and thresholds)')
    .option('--analysis <name>', "the policy's analysis entry (needed when it has several)")
    .option('--metric <name>', "the metric the files hold (default: the entry's only metric; without a policy: metric)")
    .option('--worse <direction>', 'override: increase | decrease | either')
    .option('--confidence <percent>', 'override: the test confidence, e.g. 95')
    .option('--allowed-change <percent>', "override: how much worse than the baseline's median is allowed")
    .option('--min-points <n>', 'override: fewer points on either side is NODATA')
    .option('--effect <method>', 'override: hodges-lehmann | median-ratio')
    .option('--pass <score>', 'override: score needed for PASS (0-100)')
    .option('--marginal <score>', 'override: score needed for MARGINAL (0-100)')
    .option('--json', 'print the full judgment (every metric with U, p, effect) as JSON')
    .description(
      'judge a canary series against a baseline series offline, as an analysis entry would; prints PASS, MARGINAL, FAIL or NODATA (exit 0, 3, 2, 4)',
    )
    .action(async (options: AnalyzeOptions) => {
      const result = await analyze(options);
      for (const warning of result.warnings) console.error(`warning: ${warning}`);
      console.log(result.output);
      process.exitCode = result.exitCode;
    });
}
