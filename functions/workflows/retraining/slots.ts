import type { RetrainingRule } from '../../config/policy';
import { bindSlot, claimSlot, releaseSlot, type SlotHolders } from '../../domain/build-slots';
import { ContentionError } from '../../domain/errors';
import type { RetrainingFlow } from './flow';

export type SlotOutcome = { taken: true; reason?: string } | { taken: false; reason: string; retryAt: string };

/**
 * Takes one of the account's CodeBuild slots for the start `holder` before it is claimed; other
 * targets need none. A start that finds every slot taken is deferred like any guard deferral,
 * and retried when a build ends (finished.ts) or by the sweeper.
 */
export async function takeSlot(flow: RetrainingFlow, rule: RetrainingRule, holder: string): Promise<SlotOutcome> {
  if (rule.target.type !== 'codebuild') return { taken: true };
  const max = flow.policy.controller.codebuild.maxConcurrentBuilds;
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await flow.slots.read();
    const verdict = claimSlot(state.holders, holder, max, flow.now(), rule.guards.maxRunSeconds);
    if (verdict.phase === 'held') return { taken: true, reason: verdict.reason };
    if (verdict.phase === 'full') return { taken: false, reason: verdict.reason, retryAt: verdict.retryAt };
    if (await flow.slots.swap(state, verdict.holders)) return { taken: true, reason: verdict.reason };
  }
  throw new ContentionError(`CodeBuild slots kept changing while ${rule.name} claimed one; retry the delivery`);
}

/** Names the build a slot's start made, so its terminal event finds the slot. */
export async function bindBuild(flow: RetrainingFlow, holder: string, executionId: string): Promise<void> {
  await swapUntilDone(flow, (h) => bindSlot(h, holder, executionId), 'named its build');
}

/** Gives a slot back: `key` is the start's token (a withheld start) or its build's ARN (its end). */
export async function giveSlot(flow: RetrainingFlow, key: string): Promise<void> {
  await swapUntilDone(flow, (h) => releaseSlot(h, key, flow.now()), 'gave its slot back');
}

async function swapUntilDone(
  flow: RetrainingFlow,
  change: (holders: SlotHolders) => SlotHolders | undefined,
  what: string,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await flow.slots.read();
    const next = change(state.holders);
    if (!next || (await flow.slots.swap(state, next))) return;
  }
  throw new ContentionError(`CodeBuild slots kept changing while a build ${what}; retry the delivery`);
}
