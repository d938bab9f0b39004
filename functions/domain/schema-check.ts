export interface SchemaRule {
  format: 'csv' | 'jsonl';
  columns: string[];
  delimiter: string;
  allowExtra: boolean;
}

export interface SchemaFinding {
  ok: boolean;
  missing: string[];
  extra: string[];
  /** Set when the head could not be read as the declared format at all. */
  unreadable?: string;
}

/** Splits one CSV line, honouring double quotes (RFC 4180). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out.map((s) => s.trim());
}

/**
 * Columns found in the head of an object, or why they could not be found. `complete` says the
 * head is the whole object (it was shorter than the bytes asked for), so a last line without a
 * newline is whole rather than cut.
 */
export function columnsFromHead(
  rule: Pick<SchemaRule, 'format' | 'delimiter'>,
  head: string,
  complete: boolean,
): { columns: string[] } | { unreadable: string } {
  const text = head.replace(/^\uFEFF/, '');
  const newline = text.indexOf('\n');
  if (newline < 0 && !complete)
    return { unreadable: 'first line is longer than the bytes read (raise schema.headBytes)' };
  const firstLine = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (firstLine.trim() === '') return { unreadable: 'object is empty or starts with a blank line' };
  if (rule.format === 'csv') return { columns: splitCsvLine(firstLine, rule.delimiter) };
  try {
    const record: unknown = JSON.parse(firstLine);
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      return { unreadable: 'first JSON line is not an object' };
    return { columns: Object.keys(record) };
  } catch {
    return { unreadable: 'first line is not valid JSON' };
  }
}

export function checkColumns(rule: SchemaRule, head: string, complete: boolean): SchemaFinding {
  const found = columnsFromHead(rule, head, complete);
  if ('unreadable' in found) return { ok: false, missing: [], extra: [], unreadable: found.unreadable };
  const have = new Set(found.columns);
  const want = new Set(rule.columns);
  const missing = rule.columns.filter((c) => !have.has(c));
  const extra = found.columns.filter((c) => !want.has(c));
  return { ok: missing.length === 0 && (rule.allowExtra || extra.length === 0), missing, extra };
}
