/**
 * The page around the sections: one HTML file that opens offline. Its Content-Security-Policy
 * allows no fetch of any kind (default-src 'none'); scripts and styles are inline, the charting
 * library (Vega, Vega-Lite, vega-embed) included as given by the caller. Vega compiles its
 * expressions with `Function`, hence 'unsafe-eval'.
 */
import { escapeHtml, scriptJson } from './html';
import type { Section } from './section';

export interface ChartLibraries {
  /** The sources of vega.min.js, vega-lite.min.js and vega-embed.min.js (UMD builds). */
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

export interface PageOptions {
  title: string;
  /** Lines under the title: where the records came from, when the page was built. */
  subtitle: readonly string[];
  libraries: ChartLibraries;
}

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:";

const STYLE = `
:root { color-scheme: light; --muted: #5f6b7a; --line: #d8dde3; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2733; background: #fff; }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
nav { padding: 8px 28px; border-bottom: 1px solid var(--line); background: #fff; }
nav a { margin-right: 16px; color: #1f5fbf; text-decoration: none; }
main { padding: 0 28px 40px; max-width: 1400px; }
section { padding-top: 10px; border-bottom: 1px solid var(--line); padding-bottom: 18px; }
h2 { font-size: 19px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.reasons { white-space: pre-wrap; max-width: 720px; }
.chart-figure { margin: 8px 0 14px; }
.chart { width: 100%; min-height: 60px; }
figcaption { color: var(--muted); font-size: 12px; }
.missing { color: #8a5300; background: #fff6e5; border-left: 3px solid #f0a830; padding: 4px 8px; }
.note { color: var(--muted); }
.outcome { font-weight: 600; padding: 0 4px; border-radius: 3px; }
.outcome-approve, .outcome-started, .outcome-closed, .outcome-succeeded, .outcome-stopped, .outcome-updated, .outcome-rejected-ok { background: #e3f4e6; color: #1b6b2a; }
.outcome-reject, .outcome-quarantined, .outcome-failed, .outcome-left-failed { background: #fde8e8; color: #a11d1d; }
.outcome-hold, .outcome-deferred, .outcome-withheld { background: #fff2d6; color: #8a5300; }
.step-failed { color: #a11d1d; font-weight: 600; }
.step-withheld { color: #8a5300; }
.filters { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.filters input[type=search] { width: 320px; padding: 4px 6px; }
main:has(.side-by-side) { max-width: none; }
.side-by-side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; }
.side-by-side > div { min-width: 0; overflow-x: auto; }
`;

/**
 * Draws each chart (the specs are in #report-charts) and wires the tables' filters.
 * `document.body.dataset.charts` ends as `ready` or `failed`, for a reader's browser test.
 */
const CLIENT = `
(function () {
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var pending = charts.map(function (c) {
    return vegaEmbed('#' + c.id, c.spec, { renderer: 'svg', actions: false });
  });
  Promise.all(pending).then(
    function () { document.body.dataset.charts = 'ready'; },
    function (error) { document.body.dataset.charts = 'failed'; console.error('chart failed: ' + (error && error.message)); }
  );
  // Every filter bar (html.ts filterBar) narrows its table by any text and by its rows' data fields.
  Array.prototype.forEach.call(document.querySelectorAll('.filters[data-table]'), function (bar) {
    var table = document.getElementById(bar.dataset.table);
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var text = bar.querySelector('input[data-filter]');
    var selects = Array.prototype.slice.call(bar.querySelectorAll('select[data-filter]'));
    var shown = bar.querySelector('[data-filter-count]');
    function apply() {
      var q = text.value.trim().toLowerCase();
      var n = 0;
      rows.forEach(function (row) {
        var ok = selects.every(function (s) { return !s.value || row.dataset[s.dataset.filter] === s.value; }) &&
          (!q || row.textContent.toLowerCase().indexOf(q) !== -1);
        row.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = n + ' of ' + rows.length + ' ' + bar.dataset.noun + ' shown';
    }
    [text].concat(selects).forEach(function (el) { el.addEventListener('input', apply); });
    apply();
  });
})();
`;

/** A library's source inside a <script>: a literal `</script` in it would end the element early. */
const inlineScript = (source: string): string => `<script>${source.replace(/<\/(script)/gi, '<\\/$1')}</script>`;

export function page(sections: readonly Section[], options: PageOptions): string {
  const charts = sections.flatMap((s) => s.charts);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(options.title)}</h1>${options.subtitle.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</header>`,
    `<nav>${sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('')}</nav>`,
    '<main>',
    ...sections.map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`),
    '</main>',
    `<script type="application/json" id="report-charts">${scriptJson(charts)}</script>`,
    inlineScript(options.libraries.vega),
    inlineScript(options.libraries.vegaLite),
    inlineScript(options.libraries.vegaEmbed),
    `<script>${CLIENT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
