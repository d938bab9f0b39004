/**
 * `mlops-controller whatif --policy new.yml`: the recorded decisions (the state table, or local
 * runs of scenarios) decided again under another policy by functions/domain/whatif.ts, which calls
 * the same domain functions the Lambda functions decide with. Reads the records and writes nothing
 * but the page `--html` asks for (functions/report/whatif.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
// Tiny, and main.ts loads it anyway.
import { ControllerError } from '../../domain/errors';
import type { Decision } from '../../ports/decision-log';
import type { KindCounts, Redecided, WhatIf } from '../../domain/whatif';
import { tally } from '../../report/whatif';

export interface WhatIfOptions {
  policy: string;
  table?: string;
  /** Local runs on the embedded backend, their records replayed together (as `report --scenario`). */
  scenario?: string[];
  since?: string;
  json?: boolean;
  /** Write the comparison as one HTML page here. */
  html?: string;
}

export interface WhatIfRun {
  result: WhatIf;
  output: string;
  records: Decision[];
  /** Where the records came from, in the page's words. */
  source: string;
}

/** Re-decides `records` (listed up to `end`) under the policy file's text. */
export async function whatIfOn(records: readonly Decision[], policyText: string, end: Date, json = false) {
  const { parsePolicyText } = await import('../../config/policy');
  const { whatIf } = await import('../../domain/whatif');
  const result = whatIf(records, parsePolicyText(policyText), end);
  return { result, output: json ? JSON.stringify(result, null, 2) : render(result, records.length) };
}

export async function runWhatIf(options: WhatIfOptions): Promise<WhatIfRun> {
  const policyText = readFileSync(options.policy, 'utf8');
  const query = options.since !== undefined ? { since: options.since } : {};
  let records: Decision[];
  let end: Date;
  let source: string;
  if (options.scenario && options.scenario.length > 0) {
    if (options.table) throw new ControllerError('whatif reads either --table or --scenario, not both');
    const { scenarioDecisions } = await import('../local-decisions');
    records = [];
    for (const file of options.scenario) records.push(...(await scenarioDecisions(file, query)));
    // A local run's "now" is its simulated clock at the last decision.
    end = new Date(records.reduce((max, d) => Math.max(max, Date.parse(d.at) || 0), 0));
    source = `a local run of ${options.scenario.join(', ')} (embedded backend)`;
  } else {
    const table = options.table ?? process.env.STATE_TABLE;
    if (!table)
      throw new ControllerError('whatif needs the state table (--table <name> or STATE_TABLE) or --scenario <file>');
    const { listDecisions } = await import('../operate');
    records = await listDecisions({ ...query, table });
    end = new Date();
    source = `table ${table}`;
  }
  return { ...(await whatIfOn(records, policyText, end, options.json)), records, source };
}

/** The comparison as one self-contained page (the report's format, its charting library inlined). */
export async function whatIfPage(run: WhatIfRun, policy: string, generatedAt: Date): Promise<string> {
  const { renderWhatIf } = await import('../../report/whatif');
  const { readChartLibraries } = await import('../report-libraries');
  return renderWhatIf(run.records, run.result, {
    libraries: readChartLibraries(),
    policy: basename(policy),
    source: run.source,
    generatedAt: generatedAt.toISOString(),
  });
}

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

function countLine(c: KindCounts, width: number): string {
  const missing = c.missing > 0 ? `  (${c.missing} lack an input)` : '';
  return `  ${c.kind.padEnd(width)}  ${tally(c.before)}  →  ${tally(c.after)}${missing}`;
}

function flipLines(r: Redecided): string[] {
  const head = `  ${r.kind} ${r.subject} (${r.at}): ${r.before.outcome} → ${r.after?.outcome ?? '?'}`;
  const reasons = (label: string, list: readonly string[]) =>
    list.map((reason, i) => `      ${i === 0 ? label : '    '} ${indent(reason, '           ')}`);
  return [head, ...reasons('was:', r.before.reasons), ...reasons('now:', r.after?.reasons ?? [r.missing ?? ''])];
}

export function render(result: WhatIf, recordCount: number): string {
  const width = Math.max(...result.counts.map((c) => c.kind.length), 4);
  const flips = result.redecided.filter((r) => r.flipped && r.missing === undefined);
  const missing = result.redecided.filter((r) => r.missing !== undefined);
  const lines = [
    `${recordCount} decision records; per kind, recorded → under the new policy:`,
    ...result.counts.map((c) => countLine(c, width)),
    '',
    flips.length === 0 ? 'No decision flips.' : `${flips.length} decisions flip:`,
    ...flips.flatMap(flipLines),
  ];
  if (result.batches.length > 0)
    lines.push(
      '',
      'Batches the new policy forms that no recorded batch matches:',
      ...result.batches.map((b) => `  ${b.rule}: ${b.outcome}: ${b.reasons.join('; ')}`),
    );
  if (missing.length > 0)
    lines.push(
      '',
      `${missing.length} records lack an input the new policy needs (not re-decided):`,
      ...missing.map((r) => `  ${r.kind} ${r.subject} (${r.at}): ${r.missing}`),
    );
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('whatif')
    .requiredOption('--policy <file>', 'the changed policy to decide with')
    .option('--table <name>', 'state table whose decision records are replayed (default: $STATE_TABLE)')
    .option(
      '--scenario <files...>',
      'instead of a table: run these scenarios on the embedded backend and replay their records',
    )
    .option('--since <iso>', 'records from this time (default: 7 days ago)')
    .option('--json', 'print the comparison as JSON')
    .option('--html <file>', "also write the comparison as one HTML page (the report's format, opens offline)")
    .description(
      'decide the recorded gates, batches, starts, rollbacks, hooks and stage retries (and what observe mode withholds) again under a changed policy; prints the counts before → after and every decision that flips',
    )
    .action(async (options: WhatIfOptions) => {
      const run = await runWhatIf(options);
      console.log(run.output);
      if (options.html === undefined) return;
      const html = await whatIfPage(run, options.policy, new Date());
      writeFileSync(options.html, html);
      // stdout stays one JSON document with --json.
      (options.json ? console.error : console.log)(
        `${options.html}: ${run.records.length} decisions, ${Buffer.byteLength(html)} bytes`,
      );
    });
}
