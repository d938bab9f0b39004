import { escapeHtml } from './html';

/** What each section of the report hands the page: its HTML and the charts to draw in it. */
export interface Chart {
  /** The element id the chart is drawn into (a `<div class="chart">` inside the section's HTML). */
  id: string;
  /** A Vega-Lite spec (JSON); the page embeds it with vega-embed, drawn as SVG. */
  spec: Record<string, unknown>;
}

export interface Section {
  id: string;
  title: string;
  html: string;
  charts: Chart[];
}

/** Where a chart goes, with the description a reader (and a screen reader) sees beside it. */
export const chartSlot = (id: string, description: string): string =>
  `<figure class="chart-figure"><div class="chart" id="${escapeHtml(id)}" role="img" aria-label="${escapeHtml(description)}"></div><figcaption>${escapeHtml(description)}</figcaption></figure>`;

/** Ids from record text (rule names, model groups, bindings): letters, digits and dashes only. */
export const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';

/**
 * The section with every element id (and its charts' ids) prefixed, so a page can show the same
 * section twice (whatif's recorded and re-decided sides). Record text is escaped (`"` included),
 * so ` id="` only ever matches an attribute the section builders wrote.
 */
export const prefixIds = (s: Section, prefix: string): Section => ({
  ...s,
  id: `${prefix}${s.id}`,
  html: s.html.replace(/ id="([^"]*)"/g, (_, id: string) => ` id="${prefix}${id}"`),
  charts: s.charts.map((c) => ({ ...c, id: `${prefix}${c.id}` })),
});
