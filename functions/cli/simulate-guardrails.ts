/**
 * The guardrails in `simulate`, built exactly as the Lambda runtime builds them
 * (functions/config/guardrails-runtime.ts) but on the embedded backend: observe mode from the
 * policy, a kill switch the scenario flips with `pause` / `resume`, and decision events and notices
 * journaled in the memory world (events PutEvents, sns Publish) like every other AWS write call.
 */
import * as z from 'zod';
import type { Policy } from '../config/policy';
import { mode } from '../config/policy-guardrails';
import { MemoryDecisionEvents } from '../adapters/memory/decision-events';
import { MemoryKillSwitch } from '../adapters/memory/kill-switch';
import { MemoryNotifier } from '../adapters/memory/notifier';
import type { Action, MemoryWorld } from '../adapters/memory/world';
import { ControllerError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import type { Decision } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import { Guardrails, policyVersion } from '../guardrails';

export const guardrailsStepShape = {
  /** The operator pulls the kill switch (`mlops-controller pause`): every write call is withheld. */
  pause: z.strictObject({ reason: z.string().optional(), by: z.string().default('an operator') }).optional(),
  /** `mlops-controller resume`: writes go ahead again; withheld decisions are not replayed. */
  resume: z.literal(true).optional(),
  /**
   * A policy change redeployed: `rule` is `controller` (the global mode), a rule's name, or a
   * path such as `hooks[0]`; the new mode applies to the events that follow.
   */
  mode: z.strictObject({ rule: z.string(), mode }).optional(),
};

type Step = { [K in keyof typeof guardrailsStepShape]?: z.output<(typeof guardrailsStepShape)[K]> };

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

export interface GuardrailsSimulation {
  guardrails: Guardrails<MemoryKillSwitch>;
  killSwitch: MemoryKillSwitch;
  /** Applies the step's pause / resume / mode before its events are delivered. */
  apply(step: Step, timeline: string[]): Promise<void>;
  /** Timeline lines for the calls a decision withheld. */
  withheldLines(decision: Decision): string[];
  summary(decisions: readonly Decision[], actions: readonly Action[]): string[];
}

export function setupGuardrails(opts: {
  world: MemoryWorld;
  policy: Policy;
  clock: Clock;
  logger: Logger;
}): GuardrailsSimulation {
  const { world, policy, clock } = opts;
  const killSwitch = new MemoryKillSwitch();
  const { eventBus, topicArn } = policy.controller.decisions;
  let decisionCount = 0;
  const guardrails = new Guardrails({
    policy,
    killSwitch,
    ...(eventBus ? { events: new MemoryDecisionEvents(world, eventBus) } : {}),
    ...(topicArn ? { notifier: new MemoryNotifier(world) } : {}),
    logger: opts.logger,
    clock,
    // Numbered apart from world ids, so execution ids read the same as without the guardrails.
    newId: () => `decision-${String(++decisionCount).padStart(6, '0')}`,
  });
  const clockText = () => clock.now().toISOString().slice(11, 19);

  return {
    guardrails,
    killSwitch,
    async apply(step, timeline) {
      if (step.pause) {
        const { by, reason } = step.pause;
        await killSwitch.set({ paused: true, by, ...(reason ? { reason } : {}), at: clock.now().toISOString() });
        timeline.push(`${clockText()}    ⏸ kill switch: paused by ${by}${reason ? ` (${reason})` : ''}`);
      }
      if (step.resume) {
        await killSwitch.set({ paused: false, at: clock.now().toISOString() });
        timeline.push(`${clockText()}    ⏵ kill switch: resumed (withheld actions are not replayed)`);
      }
      if (step.mode) {
        const { path, item } = modeHolder(policy, step.mode.rule);
        item.mode = step.mode.mode;
        // The policy object changed in place: later decisions carry its new hash.
        guardrails.policyVersion = policyVersion(policy);
        timeline.push(
          `${clockText()}    ⚙ ${path}: ${step.mode.mode} (policy version ${guardrails.policyVersion})${step.mode.mode === 'enforce' ? '; earlier decisions are not replayed' : ''}`,
        );
      }
    },
    withheldLines(decision) {
      return (decision.actions ?? [])
        .filter((a) => a.status === 'withheld')
        .map((a) => `${decision.at.slice(11, 19)}    ⊘ withheld ${a.service} ${a.operation} ${a.target}: ${a.why}`);
    },
    summary(decisions, actions) {
      const withheld = decisions.flatMap((d) => (d.actions ?? []).filter((a) => a.status === 'withheld'));
      const puts = actions.filter((a) => a.service === 'events' && a.operation === 'PutEvents');
      const notices = topicArn
        ? actions.filter((a) => a.operation === 'Publish' && (a.input as { TopicArn?: string }).TopicArn === topicArn)
        : [];
      return [
        ...(withheld.length
          ? [
              `  withheld write calls: ${withheld.length} (observe: ${withheld.filter((a) => a.why?.startsWith('observe')).length}, paused: ${withheld.filter((a) => a.why?.startsWith('paused')).length})`,
            ]
          : []),
        ...(puts.length || notices.length
          ? [
              `  decisions published: ${puts.reduce((n, a) => n + ((a.input as { Entries?: unknown[] }).Entries?.length ?? 0), 0)} Controller Decision events (${puts.length} PutEvents calls)${topicArn ? `, ${notices.length} SNS notices` : ''}`,
            ]
          : []),
      ];
    },
  };
}
