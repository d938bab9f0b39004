/**
 * `mlops-controller report --out report.html`: the decision records as one HTML page that opens
 * offline (functions/report). Records come the way `decisions` reads them: from the state table
 * (`--table`, `--since`; `--until` cuts the end) or from local runs of scenarios on the embedded
 * backend (`--scenario`, several files for the demo's chapters).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Decision } from '../../ports/decision-log';
import type { ChartLibraries } from '../../report/page';
// Tiny, and main.ts loads it anyway.
import { ControllerError } from '../../domain/errors';

export interface ReportCommandOptions {
  out: string;
  table?: string;
  scenario?: string[];
  since?: string;
  until?: string;
  title?: string;
}

export interface ReportSources {
  /** The table's records from `since` (DynamoDecisionLog.list, as `decisions` reads them). */
  fromTable(table: string, since: string | undefined): Promise<Decision[]>;
  /** One scenario's records from `since`, as `decisions --scenario` selects them. */
  fromScenario(file: string, since: string | undefined): Promise<Decision[]>;
  libraries(): Promise<ChartLibraries>;
  now(): Date;
}

const isoTime = (flag: string, value: string): string => {
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new ControllerError(`${flag}: "${value}" is not an ISO time (e.g. 2026-11-22T00:00:00Z)`);
  return t.toISOString();
};

/** The records up to `until` (inclusive), compared as the table's sort key does: normalized ISO. */
export function until(records: readonly Decision[], end: string | undefined): Decision[] {
  if (end === undefined) return [...records];
  const limit = isoTime('--until', end);
  return records.filter((d) => {
    const t = new Date(d.at);
    return (Number.isNaN(t.getTime()) ? d.at : t.toISOString()) <= limit;
  });
}

export async function buildReport(
  options: Omit<ReportCommandOptions, 'out'>,
  sources: ReportSources,
): Promise<{ html: string; records: Decision[] }> {
  if (options.since !== undefined) isoTime('--since', options.since);
  if (options.until !== undefined) isoTime('--until', options.until);
  let records: Decision[];
  let source: string;
  if (options.scenario && options.scenario.length > 0) {
    if (options.table) throw new ControllerError('report reads either --table or --scenario, not both');
    records = [];
    for (const file of options.scenario) records.push(...(await sources.fromScenario(file, options.since)));
    source = `a local run of ${options.scenario.join(', ')} (embedded backend)`;
  } else {
    const table = options.table ?? process.env.STATE_TABLE;
    if (!table)
      throw new ControllerError('report needs the state table (--table <name> or STATE_TABLE) or --scenario <file...>');
    records = await sources.fromTable(table, options.since);
    source = `table ${table}`;
  }
  records = until(records, options.until);
  const window =
    options.since !== undefined || options.until !== undefined
      ? ` (${options.since ?? 'default start'} → ${options.until ?? 'now'})`
      : '';
  const { renderReport } = await import('../../report/index');
  const html = renderReport(records, {
    libraries: await sources.libraries(),
    source: `${source}${window}`,
    generatedAt: sources.now().toISOString(),
    ...(options.title !== undefined ? { title: options.title } : {}),
  });
  return { html, records };
}

/** The sources the command uses: the AWS table, the embedded backend, node_modules, the clock. */
export const defaultSources: ReportSources = {
  async fromTable(table, since) {
    const { listDecisions } = await import('../operate');
    return listDecisions({ table, ...(since !== undefined ? { since } : {}) });
  },
  async fromScenario(file, since) {
    const { scenarioDecisions } = await import('../local-decisions');
    return scenarioDecisions(file, since !== undefined ? { since } : {});
  },
  async libraries() {
    return (await import('../report-libraries')).readChartLibraries();
  },
  now: () => new Date(),
};

export function register(program: Command): void {
  program
    .command('report')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--table <name>', 'state table (default: $STATE_TABLE)')
    .option(
      '--scenario <files...>',
      'instead of a table: run these scenarios on the embedded backend and report their decisions',
    )
    .option('--since <iso>', "from this time (default: 7 days before now, or before the run's last decision)")
    .option('--until <iso>', 'up to this time (default: now)')
    .option('--title <text>', 'the page title', 'Decision report')
    .description('write the recorded decisions as one self-contained HTML page (charts inlined, opens offline)')
    .action(async (options: ReportCommandOptions) => {
      const { html, records } = await buildReport(options, defaultSources);
      writeFileSync(options.out, html);
      console.log(`${options.out}: ${records.length} decisions, ${Buffer.byteLength(html)} bytes`);
    });
}
