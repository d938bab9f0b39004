/**
 * Every key a policy file may hold, as documented paths (`retraining[].trigger.marker`), found by
 * walking the classic-zod schema's shapes. Wrappers (optional, default, nullable, pipe, readonly)
 * are looked through; an array adds `[]`; a union's options share their parent's path; a record's
 * keys are the user's own names, so the record itself is the documented key.
 */
import type * as z from 'zod';

type Node = z.core.$ZodType;

export function policyKeyPaths(schema: Node, prefix = ''): string[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  switch (def.type) {
    case 'object': {
      const shape = (def as unknown as { shape: Record<string, Node> }).shape;
      return Object.entries(shape).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...policyKeyPaths(value, path)];
      });
    }
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return policyKeyPaths(def.innerType as Node, prefix);
    case 'pipe':
      return policyKeyPaths(def.in as Node, prefix);
    case 'array':
      return policyKeyPaths(def.element as Node, `${prefix}[]`);
    case 'union':
      return [...new Set((def.options as Node[]).flatMap((option) => policyKeyPaths(option, prefix)))];
    default:
      return [];
  }
}
