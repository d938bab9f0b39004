/**
 * The decision report: decision records in, one self-contained HTML page out. Pure (no I/O): the
 * caller reads the records (table or local run) and the charting library's sources and passes
 * them in (functions/cli/commands/report.ts). `whatif --html` reuses the sections and the page.
 */
import { decisionsSection } from './decisions';
import { gatesSection } from './gates';
import { judgmentsSection } from './judgments';
import { overviewSection } from './overview';
import { page, type ChartLibraries } from './page';
import type { Decision } from './records';
import { retrainingSection } from './retraining';
import { rollbacksSection } from './rollbacks';
import type { Section } from './section';

export type { ChartLibraries } from './page';
export type { Chart, Section } from './section';
export { page } from './page';
export { renderWhatIf, whatIfModel, whatIfSections, type WhatIfModel, type WhatIfPageOptions } from './whatif';
export { decisionsSection, gatesSection, judgmentsSection, overviewSection, retrainingSection, rollbacksSection };

export interface ReportOptions {
  libraries: ChartLibraries;
  /** Default: "Decision report". */
  title?: string;
  /** Where the records came from: `table mlops-state, 2026-11-01 → 2026-11-08`, the scenario files. */
  source: string;
  /** When the report was built (ISO); given, so the same records give the same page. */
  generatedAt: string;
}

/** The sections in page order, for a caller that composes its own page (whatif's before/after). */
export function reportSections(records: readonly Decision[]): Section[] {
  return [
    overviewSection(records),
    retrainingSection(records),
    gatesSection(records),
    judgmentsSection(records),
    rollbacksSection(records),
    decisionsSection(records),
  ];
}

export function renderReport(records: readonly Decision[], options: ReportOptions): string {
  const title = options.title ?? 'Decision report';
  return page(reportSections(records), {
    title,
    subtitle: [`${records.length} decision records from ${options.source}`, `built ${options.generatedAt}`],
    libraries: options.libraries,
  });
}
