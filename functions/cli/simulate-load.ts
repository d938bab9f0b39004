/**
 * Reading a scenario: YAML or JSON text → the scenario schema (world, step fields, every step
 * kind's own fields) → a policy. Problems are told like policy problems (`steps[3].upload.bucket:
 * required`) with the file, line and column they are at; a file that does not parse is one line.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import * as z from 'zod';
import { formatIssuePath, parsePolicyText, validatePolicy, type Policy } from '../config/policy';
import { ControllerError } from '../domain/errors';
import { stepFields, worldSchema } from './simulate-schema';
import { at, shown } from './simulate-text';
import { STEP_KINDS } from './simulate-steps';

export class ScenarioError extends ControllerError {
  constructor(readonly problems: string[]) {
    super(`scenario is invalid:\n  ${problems.join('\n  ')}`);
  }
}

const stepSchema = z.strictObject({
  ...stepFields,
  ...Object.fromEntries(STEP_KINDS.flatMap((k) => [[k.key, k.schema.optional()], ...Object.entries(k.fields ?? {})])),
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Path of a policy file (relative to the scenario) or the policy inline. */
  policy: z.union([z.string(), z.record(z.string(), z.unknown())]),
  start: z.iso
    .datetime({ offset: true, message: 'must be an ISO time such as 2026-11-22T08:00:00Z' })
    .default('2026-11-22T08:00:00Z'),
  world: worldSchema,
  steps: z.array(stepSchema).min(1, 'at least one step'),
});

type StepCommon = z.output<z.ZodObject<typeof stepFields>>;
export type Step = StepCommon & Record<string, unknown>;
export type Scenario = Omit<z.output<typeof scenarioSchema>, 'steps'> & { steps: Step[] };

/** The deepest node of `path` that exists in the document (a missing key points at its parent). */
function nodeAt(contents: Node | null, path: readonly PropertyKey[], key?: string): Node | undefined {
  let node: Node | null | undefined = contents;
  for (const part of [...path, ...(key !== undefined ? [key] : [])]) {
    if (isMap(node)) {
      const pair: Pair | undefined = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      // An unknown key is shown at the key itself, a bad value at the value.
      node = part === key ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(node) && typeof part === 'number' && node.items[part]) node = node.items[part] as Node;
    else break;
  }
  return node ?? undefined;
}

/** Problems sorted by their line and column, as an editor lists them. */
function inFileOrder(problems: string[]): string[] {
  const key = (p: string) => /:(\d+):(\d+) /.exec(p)?.slice(1).map(Number) ?? [0, 0];
  return problems
    .map((p) => ({ p, k: key(p) }))
    .sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]!)
    .map(({ p }) => p);
}

/** Relative ("+15m") or absolute (ISO) step time → epoch ms; undefined when it is neither. */
export function parseAt(text: string, now: number): number | undefined {
  const rel = /^\+(\d+)([smhd])$/.exec(text);
  if (rel) return now + Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const abs = /^\d{4}-\d\d-\d\dT/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(abs) ? undefined : abs;
}

/** Step times that are not times, or fall before the scenario's start. */
function timeProblems(scenario: Scenario): Array<{ path: PropertyKey[]; message: string }> {
  const start = Date.parse(scenario.start);
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  let now = start;
  scenario.steps.forEach((step, i) => {
    if (step.at === undefined) return;
    const t = parseAt(step.at, now);
    if (t === undefined)
      problems.push({ path: ['steps', i, 'at'], message: `"${step.at}" is neither +<n>[smhd] (+15m) nor an ISO time` });
    else if (t < start)
      problems.push({
        path: ['steps', i, 'at'],
        message: `${step.at} is before the scenario's start (${new Date(start).toISOString()})`,
      });
    else now = Math.max(now, t);
  });
  return problems;
}

/** Parses scenario text (YAML or JSON): the scenario, or every problem with its place in `file`. */
export function parseScenarioText(file: string, text: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) throw new ControllerError(`${at(file, lines, syntax.pos[0])}: not valid YAML/JSON: ${syntax.message}`);
  const place = (path: readonly PropertyKey[], key?: string) => {
    const node = nodeAt(doc.contents, path, key);
    return node?.range ? at(file, lines, node.range[0]) : shown(file);
  };
  const parsed = scenarioSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success)
    throw new ScenarioError(
      inFileOrder(
        parsed.error.issues.flatMap((issue) => {
          const missing =
            (issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined;
          const message = missing ? 'required' : issue.message;
          // One line per unknown key, each at its own place.
          if (issue.code === 'unrecognized_keys')
            return issue.keys.map(
              (key) => `${place(issue.path, key)} ${formatIssuePath([...issue.path, key])}: unknown key`,
            );
          const where = formatIssuePath(issue.path);
          return [`${place(issue.path)} ${where ? `${where}: ` : ''}${message}`];
        }),
      ),
    );
  const scenario = parsed.data as Scenario;
  const late = timeProblems(scenario);
  if (late.length)
    throw new ScenarioError(late.map((p) => `${place(p.path)} ${formatIssuePath(p.path)}: ${p.message}`));
  return scenario;
}

export function loadScenario(file: string): { scenario: Scenario; policy: Policy; dir: string } {
  const dir = dirname(resolve(file));
  const scenario = parseScenarioText(file, readFileSync(file, 'utf8'));
  const policy =
    typeof scenario.policy === 'string'
      ? parsePolicyText(
          readFileSync(isAbsolute(scenario.policy) ? scenario.policy : resolve(dir, scenario.policy), 'utf8'),
        )
      : validatePolicy(scenario.policy);
  return { scenario, policy, dir };
}
