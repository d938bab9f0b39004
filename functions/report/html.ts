/** HTML text helpers for the report page: everything a record holds is escaped on the way in. */

export const escapeHtml = (value: unknown): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * JSON for a `<script>` element: `<` escaped so no record text (`</script>`, `<!--`) can end or
 * comment out the element; U+2028/9 too, which older parsers treat as line ends inside strings.
 */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** A cell: text (escaped) or already-built HTML (`{ html }`), with an optional title shown on hover. */
export type Cell = string | number | null | undefined | { html: string; title?: string; className?: string };

export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  attributes: { className?: string; id?: string; rowAttributes?: (index: number) => string } = {},
): string {
  const cell = (c: Cell): string => {
    if (c !== null && typeof c === 'object') {
      const title = c.title ? ` title="${escapeHtml(c.title)}"` : '';
      const cls = c.className ? ` class="${escapeHtml(c.className)}"` : '';
      return `<td${cls}${title}>${c.html}</td>`;
    }
    return `<td>${escapeHtml(c ?? '')}</td>`;
  };
  const head = `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r, i) => `<tr${attributes.rowAttributes?.(i) ?? ''}>${r.map(cell).join('')}</tr>`).join('\n');
  const id = attributes.id ? ` id="${escapeHtml(attributes.id)}"` : '';
  const cls = attributes.className ? ` class="${escapeHtml(attributes.className)}"` : '';
  return `<table${id}${cls}>${head}<tbody>\n${body}\n</tbody></table>`;
}

/** A note where the records lack what a section would show: said, never filled in. */
export const missing = (text: string): string => `<p class="missing">${escapeHtml(text)}</p>`;

/** The outcome as a marked label (colours per verdict in the page's style sheet). */
export const outcomeLabel = (outcome: string): string =>
  `<span class="outcome outcome-${escapeHtml(outcome.toLowerCase().replace(/[^a-z0-9]+/g, '-'))}">${escapeHtml(outcome)}</span>`;

/** Bytes as people read them (the exact number stays on hover). */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** Seconds as `1h 02m 05s`, `3m 10s`, `42s`. */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(r).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/** ISO time as `2026-11-22 08:00:00` (UTC), the text the `decisions` table shows. */
export const timeText = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

/** A select of a filter bar: rows whose `data-<field>` equals the chosen value stay shown. */
export interface FilterField {
  field: string;
  label: string;
  values: Iterable<string>;
}

/**
 * The filters above a table (the page's script wires them): any text, and a select per field of
 * the rows' data attributes; the count of rows shown updates as the reader types. Element ids are
 * `<prefix>-text`, `<prefix>-<field>` and `<prefix>-count`.
 */
export function filterBar(tableId: string, prefix: string, noun: string, fields: readonly FilterField[]): string {
  const options = (values: Iterable<string>) =>
    [...new Set(values)]
      .sort()
      .map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`)
      .join('');
  const selects = fields.map(
    (f) =>
      `<select id="${escapeHtml(`${prefix}-${f.field}`)}" data-filter="${escapeHtml(f.field)}" aria-label="${escapeHtml(f.label)}"><option value="">every ${escapeHtml(f.label)}</option>${options(f.values)}</select>`,
  );
  return [
    `<div class="filters" id="${escapeHtml(prefix)}" data-table="${escapeHtml(tableId)}" data-noun="${escapeHtml(noun)}">`,
    `<input type="search" id="${escapeHtml(prefix)}-text" data-filter="text" placeholder="filter: any text (subject, reason, action)" aria-label="filter text">`,
    ...selects,
    `<span id="${escapeHtml(prefix)}-count" data-filter-count></span></div>`,
  ].join('\n');
}
