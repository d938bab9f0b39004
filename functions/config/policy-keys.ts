import type * as z from 'zod';
import { closestKey } from '../domain/closest';

/**
 * "Did you mean" for keys the policy schema does not know, at every level: the schema is walked
 * along the issue's path (the input picks the branch of a union) to the object whose keys were
 * expected, and the unknown key is compared with those.
 */

type Schema = z.core.$ZodType;
type Def = { type: string; [k: string]: unknown };

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Through default/optional/nullable/pipe/readonly wrappers to the schema that checks the value. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (['default', 'optional', 'nullable', 'readonly', 'prefault', 'catch', 'nonoptional'].includes(def.type))
      current = def.innerType as Schema;
    else if (def.type === 'pipe') current = def.in as Schema;
    else return current;
  }
}

const shapeOf = (schema: Schema): Record<string, Schema> | undefined => {
  const def = defOf(schema);
  return def.type === 'object' ? (def.shape as Record<string, Schema>) : undefined;
};

/** The union's object branch the input belongs to: its discriminator's literal, else the most keys in common. */
function branch(schema: Schema, input: unknown): Schema | undefined {
  const def = defOf(schema);
  const options = (def.options as Schema[]).map(unwrap).filter((o) => shapeOf(o));
  if (!input || typeof input !== 'object') return options.length === 1 ? options[0] : undefined;
  const record = input as Record<string, unknown>;
  const discriminator = def.discriminator as string | undefined;
  if (discriminator !== undefined) {
    const match = options.find((o) => {
      const literal = defOf(unwrap(shapeOf(o)![discriminator]!));
      return literal.type === 'literal' && (literal.values as unknown[]).includes(record[discriminator]);
    });
    if (match) return match;
  }
  const common = (o: Schema) => Object.keys(record).filter((k) => k in shapeOf(o)!).length;
  return options.reduce<Schema | undefined>((best, o) => (!best || common(o) > common(best) ? o : best), undefined);
}

interface Walked {
  schema?: Schema;
  /** The union the object's schema was chosen from, if the last step went through one. */
  union?: Schema;
}

function walk(root: Schema, path: readonly PropertyKey[], input: unknown): Walked {
  let schema: Schema | undefined = unwrap(root);
  let union: Schema | undefined;
  let value = input;
  const resolve = () => {
    union = undefined;
    while (schema && defOf(schema).type === 'union') {
      union = schema;
      schema = branch(schema, value);
    }
    if (schema) schema = unwrap(schema);
  };
  resolve();
  for (const part of path) {
    if (!schema) return {};
    const def = defOf(schema);
    if (def.type === 'object') schema = shapeOf(schema)![String(part)];
    else if (def.type === 'array') schema = def.element as Schema;
    else if (def.type === 'record') schema = def.valueType as Schema;
    else return {};
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part as string] : undefined;
    if (schema) schema = unwrap(schema);
    resolve();
  }
  return { ...(schema ? { schema } : {}), ...(union ? { union } : {}) };
}

/** The keys the schema expects of the object at `path` in `input`, or undefined if the walk leaves the schema. */
export function knownKeysAt(root: Schema, path: readonly PropertyKey[], input: unknown): string[] | undefined {
  const { schema } = walk(root, path, input);
  const shape = schema ? shapeOf(schema) : undefined;
  return shape ? Object.keys(shape) : undefined;
}

export interface Branch {
  /** `type: sagemaker` */
  label: string;
  keys: string[];
}

const labelOf = (option: Schema, discriminator: string): string => {
  const literal = defOf(unwrap(shapeOf(option)![discriminator]!));
  return `${discriminator}: ${(literal.values as unknown[]).map(String).join(' | ')}`;
};

/**
 * At a discriminated union (a retraining target): the branch the input chose and the others, so a
 * key of another branch (`batchIdParameter` on a CodePipeline target) is told where it belongs.
 */
export function branchesAt(
  root: Schema,
  path: readonly PropertyKey[],
  input: unknown,
): { chosen: Branch; others: Branch[] } | undefined {
  const { schema, union } = walk(root, path, input);
  const discriminator = union ? (defOf(union).discriminator as string | undefined) : undefined;
  if (!schema || !union || discriminator === undefined) return undefined;
  const options = (defOf(union).options as Schema[]).map(unwrap).filter((o) => shapeOf(o));
  const branchOf = (o: Schema): Branch => ({ label: labelOf(o, discriminator), keys: Object.keys(shapeOf(o)!) });
  return { chosen: branchOf(schema), others: options.filter((o) => o !== schema).map(branchOf) };
}

export interface KeyIssue {
  /** The unknown key. */
  key: string;
  /** The known key it most likely means, if one is close. */
  suggestion?: string;
  message: string;
}

/** One message per unknown key: `did you mean "suffix"?`, else the keys that are allowed there. */
export function unknownKeyMessages(
  keys: readonly string[],
  known: readonly string[] | undefined,
  input: unknown,
  branches?: { chosen: Branch; others: Branch[] },
): KeyIssue[] {
  const present = input && typeof input === 'object' ? Object.keys(input) : [];
  return keys.map((key) => {
    // A key already written correctly is no suggestion for its misspelled twin.
    const suggestion = known
      ? closestKey(
          key,
          known.filter((k) => !present.includes(k)),
        )
      : undefined;
    if (suggestion !== undefined)
      return {
        key,
        suggestion,
        message: `unknown key "${key}": did you mean "${suggestion}"? (write ${suggestion}: …)`,
      };
    const elsewhere = branches?.others.find((b) => b.keys.includes(key));
    if (elsewhere && branches)
      return {
        key,
        message: `unknown key "${key}": it is a key of ${elsewhere.label}; with ${branches.chosen.label} write one of ${branches.chosen.keys.join(', ')}`,
      };
    return {
      key,
      message: known?.length
        ? `unknown key "${key}": remove it, or write one of ${known.join(', ')}`
        : `unknown key "${key}": remove it`,
    };
  });
}
