import * as z from 'zod';
import type { Policy } from '../config/policy';
import { mode as modeSchema } from '../config/policy-guardrails';
import { ControllerError } from '../domain/errors';
import { policyVersion } from '../guardrails';
import { defineStep } from './simulate-step';

const SECTIONS = ['retraining', 'gates', 'rollback', 'hooks', 'stageRetry'] as const;

/** The policy item a `mode` step names, with its path for the timeline. */
function modeHolder(policy: Policy, rule: string): { path: string; item: { mode?: string } } {
  if (rule === 'controller') return { path: 'controller.mode', item: policy.controller };
  const indexed = /^(\w+)\[(\d+)\]$/.exec(rule);
  for (const section of SECTIONS) {
    const items = policy[section] as ReadonlyArray<{ name?: string; mode?: string }>;
    const i = indexed?.[1] === section ? Number(indexed[2]) : items.findIndex((item) => item.name === rule);
    const item = items[i];
    if (item) return { path: `${section}[${i}].mode`, item };
  }
  throw new ControllerError(`mode.rule: no policy rule named ${rule} (a name, "controller" or e.g. "hooks[0]")`);
}

/**
 * A policy change redeployed: `rule` is `controller` (the global mode), a rule's name, or a path
 * such as `hooks[0]`; the new mode applies to the events that follow.
 */
export const mode = defineStep({
  key: 'mode',
  phase: 'before',
  schema: z.strictObject({ rule: z.string(), mode: modeSchema }),
  run(step, { sim, note }) {
    const { path, item } = modeHolder(sim.policy, step.rule);
    item.mode = step.mode;
    // The policy object changed in place: later decisions carry its new hash.
    sim.guardrails.policyVersion = policyVersion(sim.policy);
    note(
      `⚙ ${path}: ${step.mode} (policy version ${sim.guardrails.policyVersion})${step.mode === 'enforce' ? '; earlier decisions are not replayed' : ''}`,
    );
  },
});
