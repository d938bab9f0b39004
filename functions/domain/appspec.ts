/**
 * The few AppSpec fields a redeploy reads and writes (resource Type; Name, Alias, CurrentVersion,
 * TargetVersion of a Lambda function; TaskDefinition of an ECS service), in either form CodeDeploy
 * accepts: JSON, or YAML as CodeDeploy's AppSpec reference writes it (block style, one `key: value`
 * per line). No general YAML parser: it would add ~117 KB to the alarm function's bundle, past its
 * 600 KB budget, to read five scalars. Anything else (flow-style YAML, a field given twice) is not
 * read, and the redeploy is refused with the reason rather than guessed.
 */

const FIELDS = ['Name', 'Alias', 'CurrentVersion', 'TargetVersion', 'TaskDefinition'] as const;
type Field = (typeof FIELDS)[number];

export interface AppSpecResource {
  type: string;
  properties: Partial<Record<Field, string>>;
}

export type AppSpec =
  | { format: 'json'; resources: AppSpecResource[]; doc: { Resources: Array<Record<string, unknown>> } }
  | { format: 'yaml'; resources: AppSpecResource[]; lines: string[] };

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;

/**
 * `key: value` on one line, optionally as a list item; the value unquoted, a trailing comment dropped.
 * A line may end in CR: YAML reads CRLF as a line break, and an AppSpec written on Windows has them.
 */
const LINE = /^(\s*)(?:-\s+)?([A-Za-z]+):[ \t]*(.*?)[ \t\r]*$/;

function unquote(raw: string): string | undefined {
  const m = raw.match(/^"((?:[^"\\]|\\.)*)"|^'((?:[^']|'')*)'/);
  if (m) return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.replace(/''/g, "'");
  // A comment starts at a # after whitespace, or at the value's start (`Alias: # later` is empty).
  const bare = raw.replace(/(^|\s+)#.*$/, '');
  return bare.length > 0 && !/^[[{|>]/.test(bare) ? bare : undefined;
}

function readJson(text: string): AppSpec | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (doc as { Resources?: unknown })?.Resources;
  if (!Array.isArray(list)) return undefined;
  const resources = list.flatMap((entry: unknown) =>
    typeof entry === 'object' && entry !== null
      ? Object.values(entry as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>).map((r) => ({
          type: scalar(r?.Type) ?? '',
          properties: Object.fromEntries(
            FIELDS.flatMap((f) => (scalar(r?.Properties?.[f]) ? [[f, scalar(r?.Properties?.[f])!]] : [])),
          ),
        }))
      : [],
  );
  return { format: 'json', resources, doc: doc as { Resources: Array<Record<string, unknown>> } };
}

function readYaml(text: string): AppSpec | undefined {
  const lines = text.split('\n');
  const types: string[] = [];
  const properties: Partial<Record<Field, string>> = {};
  for (const line of lines) {
    const m = line.match(LINE);
    if (!m) continue;
    const [, , key, raw] = m as unknown as [string, string, string, string];
    if (key === 'Type') types.push(unquote(raw) ?? '');
    if (!(FIELDS as readonly string[]).includes(key)) continue;
    const value = unquote(raw);
    // Given twice, or not a plain scalar: not the AppSpec shape this reader knows.
    if (value === undefined || properties[key as Field] !== undefined) return undefined;
    properties[key as Field] = value;
  }
  // No block-style `Type:` line: the resources are written some other way (flow style), not absent.
  if (!/^\s*Resources:/m.test(text) || types.length === 0) return undefined;
  // The fields belong to the one resource; with several the caller refuses anyway.
  return { format: 'yaml', resources: types.map((type) => ({ type, properties })), lines };
}

/** The AppSpec's resources and the fields a redeploy needs, or undefined when it cannot be read. */
export function readAppSpec(text: string): AppSpec | undefined {
  return /^\s*[{[]/.test(text) ? readJson(text) : readYaml(text);
}

/**
 * The AppSpec with its one Lambda function's CurrentVersion and TargetVersion set, everything else
 * (hooks, other keys, format) as it was. Versions are written as strings, as CodeDeploy's examples do.
 */
export function withLambdaVersions(spec: AppSpec, current: string, target: string): string {
  const values: Record<string, string> = { CurrentVersion: current, TargetVersion: target };
  if (spec.format === 'json') {
    for (const entry of spec.doc.Resources)
      for (const r of Object.values(entry) as Array<{ Type?: unknown; Properties?: Record<string, unknown> }>)
        if (r?.Type === 'AWS::Lambda::Function') r.Properties = { ...r.Properties, ...values };
    // JSON.stringify writes the AppSpec version 0.0 as 0; CodeDeploy's reference writes 0.0.
    return JSON.stringify(spec.doc, null, 2).replace(/^\{\n {2}"version": 0,/, '{\n  "version": 0.0,');
  }
  const out: string[] = [];
  let targetLine: { indent: string; eol: string } | undefined;
  let sawCurrent = false;
  for (const line of spec.lines) {
    const m = line.match(LINE);
    const key = m?.[2];
    if (m && (key === 'CurrentVersion' || key === 'TargetVersion')) {
      const indent = line.slice(0, line.indexOf(key));
      const eol = line.endsWith('\r') ? '\r' : '';
      out.push(`${indent}${key}: "${values[key]}"${eol}`);
      if (key === 'TargetVersion') targetLine = { indent, eol };
      else sawCurrent = true;
      continue;
    }
    out.push(line);
  }
  if (!sawCurrent && targetLine) {
    const at = out.findIndex((l) => l.startsWith(`${targetLine!.indent}TargetVersion:`));
    out.splice(at, 0, `${targetLine.indent}CurrentVersion: "${current}"${targetLine.eol}`);
  }
  return out.join('\n');
}
