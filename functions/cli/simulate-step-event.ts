import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { ControllerError } from '../domain/errors';
import type { FunctionName } from './simulate-schema';
import { parseJsonFile } from './simulate-text';
import { defineStep } from './simulate-step';
import { routeEvent } from './simulate-route';

/** Sets `a.b.0.c`; numeric parts index arrays. */
function setPath(target: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

/**
 * Any event JSON file (relative to the scenario), delivered to the function AWS would route it to
 * (or the step's `to:`), after the `set` overrides by dot path ("detail.object.key"). An event no
 * function of the stack receives is an error unless `to:` names one.
 */
export const event = defineStep({
  key: 'event',
  phase: 'events',
  schema: z.string(),
  fields: { set: z.record(z.string(), z.unknown()).optional() },
  run(path, { sim, step }) {
    const file = resolve(sim.dir, path);
    const parsed = parseJsonFile(file, readFileSync(file, 'utf8'));
    for (const [at, value] of Object.entries((step.set as Record<string, unknown> | undefined) ?? {}))
      setPath(parsed, at, value);
    const routed = routeEvent(parsed, sim.where);
    const to = step.to as FunctionName | undefined;
    if (to) return [{ fn: to, event: routed?.event ?? parsed, label: path }];
    if (!routed)
      throw new ControllerError(
        `event ${path}: no function of the stack receives this event (no rule or subscription matches it); name one with \`to:\``,
      );
    return [{ ...routed, label: path }];
  },
});
