/**
 * Exported metric series for offline judgment (`mlops-controller analyze`): a CSV of
 * `timestamp,value` lines, or the JSON `aws cloudwatch get-metric-data` prints. Pure: text in,
 * series out, or an error naming the file and the line or field that is wrong.
 */
import { ControllerError } from '../domain/errors';

export interface Point {
  /** Epoch milliseconds. */
  time: number;
  value: number;
}

export interface Series {
  /** The result's Label and Id (get-metric-data), none for a CSV. */
  names: string[];
  points: Point[];
}

export interface ParsedSeries {
  series: Series[];
  /** Worth telling the user, not worth refusing the file for. */
  warnings: string[];
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** ISO 8601 (as the CLI and the console print it) or epoch seconds. */
function parseTime(text: string): number | undefined {
  if (NUMBER.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const unquote = (field: string): string => {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t;
};

export function parseCsvSeries(text: string, file: string): ParsedSeries {
  const points: Point[] = [];
  const warnings: string[] = [];
  let empty = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(',').map(unquote);
    const where = `${file}: line ${i + 1}`;
    if (fields.length !== 2)
      throw new ControllerError(`${where}: expected "timestamp,value", found ${fields.length} fields`);
    const [timeText, valueText] = fields as [string, string];
    const time = parseTime(timeText);
    // A first line that is not data is a header (`timestamp,value`, or the console's labels).
    if (points.length === 0 && empty === 0 && time === undefined && !NUMBER.test(valueText)) return;
    if (time === undefined)
      throw new ControllerError(`${where}: "${timeText}" is not a timestamp (ISO 8601 or epoch seconds)`);
    if (valueText === '') {
      empty++;
      return;
    }
    if (!NUMBER.test(valueText) || !Number.isFinite(Number(valueText)))
      throw new ControllerError(`${where}: "${valueText}" is not a number`);
    points.push({ time, value: Number(valueText) });
  });
  if (empty > 0) warnings.push(`${file}: ${empty} timestamps without a value (minutes without data) skipped`);
  return { series: [{ names: [], points }], warnings };
}

interface MetricDataResult {
  Id?: unknown;
  Label?: unknown;
  Timestamps?: unknown;
  Values?: unknown;
  StatusCode?: unknown;
}

export function parseMetricDataJson(text: string, file: string): ParsedSeries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ControllerError(`${file}: not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const results = (doc as { MetricDataResults?: unknown } | null)?.MetricDataResults;
  if (!Array.isArray(results))
    throw new ControllerError(
      `${file}: no MetricDataResults list (expected the output of aws cloudwatch get-metric-data)`,
    );
  const warnings: string[] = [];
  if (typeof (doc as { NextToken?: unknown }).NextToken === 'string')
    warnings.push(`${file}: has a NextToken: this is one page of a longer answer, later points are missing`);
  const series = results.map((r: MetricDataResult, i): Series => {
    const where = `${file}: MetricDataResults[${i}]`;
    if (!Array.isArray(r.Timestamps) || !Array.isArray(r.Values))
      throw new ControllerError(`${where}: needs Timestamps and Values lists`);
    if (r.Timestamps.length !== r.Values.length)
      throw new ControllerError(
        `${where}: ${r.Timestamps.length} Timestamps but ${r.Values.length} Values (they pair up one to one)`,
      );
    const points = r.Timestamps.map((t: unknown, j): Point => {
      const time = typeof t === 'string' ? parseTime(t) : undefined;
      if (time === undefined)
        throw new ControllerError(`${where}.Timestamps[${j}]: ${JSON.stringify(t)} is not a timestamp`);
      const value = (r.Values as unknown[])[j];
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ControllerError(`${where}.Values[${j}]: ${JSON.stringify(value)} is not a number`);
      return { time, value };
    });
    if (r.StatusCode !== undefined && r.StatusCode !== 'Complete')
      warnings.push(`${where}: StatusCode ${String(r.StatusCode)}: CloudWatch did not return every point`);
    const names = [r.Label, r.Id].filter((n): n is string => typeof n === 'string' && n !== '');
    return { names: [...new Set(names)], points };
  });
  return { series, warnings };
}

/** JSON when the text is a JSON object, else CSV. */
export const parseSeriesFile = (text: string, file: string): ParsedSeries =>
  text.trimStart().startsWith('{') ? parseMetricDataJson(text, file) : parseCsvSeries(text, file);
