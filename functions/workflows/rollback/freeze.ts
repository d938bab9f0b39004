import type { RollbackBinding } from '../../config/policy-rollback';
import type { AlarmChange } from '../../parsing/alarm';
import { writes } from '../../domain/writes';
import { once, reasonText, type RollbackFlow } from './flow';

/**
 * Freezes promotions once per alarm episode, held as long as a delivery of the episode may still
 * act (so a person's unfreeze is not undone by a late copy); a new episode freezes again.
 */
export async function freeze(flow: RollbackFlow, binding: RollbackBinding, change: AlarmChange): Promise<void> {
  const f = binding.freeze!;
  const base = { kind: 'rollback.freeze', subject: `${binding.name}/${f.pipeline}/${f.stage}` };
  const reason = `mlops-controller froze promotions: ${reasonText(change)}`;
  await once(
    flow,
    `freeze:${f.pipeline}/${f.stage}`,
    `${change.name}@${change.since}`,
    { ...base, outcome: 'FROZEN', reasons: [reason], inputs: { pipeline: f.pipeline, stage: f.stage } },
    [writes.stageTransition('DisableStageTransition', f.pipeline, f.stage)],
    async () => {
      await flow.stages.freeze(f.pipeline, f.stage, reason);
      await flow.store.putFreeze({
        pipeline: f.pipeline,
        stage: f.stage,
        binding: binding.name,
        // A person's freeze names no alarm: no alarm going OK thaws it, only `unfreeze` does.
        alarms: change.via === 'operator' ? [] : [change.name],
        since: flow.now().toISOString(),
      });
    },
    binding.staleAfterSeconds,
  );
}

/** An alarm went OK: freezes whose alarms are all OK start their auto-unfreeze countdown. */
export async function noteOk(flow: RollbackFlow, bindings: RollbackBinding[], since: string): Promise<void> {
  const frozen = await flow.store.freezes();
  for (const f of frozen) {
    const binding = bindings.find((b) => b.name === f.binding);
    if (!binding?.freeze?.autoUnfreezeAfterOkSeconds || f.alarms.length === 0) continue;
    const states = await flow.alarms.states(f.alarms);
    if (f.alarms.every((a) => states.get(a) === 'OK')) await flow.store.markOk(f.pipeline, f.stage, since);
  }
}

/** Freezes due to thaw: every bound alarm OK for the binding's cooldown. */
export async function thaw(flow: RollbackFlow): Promise<void> {
  for (const f of await flow.store.freezes()) {
    const binding = flow.policy.rollback.find((b) => b.name === f.binding);
    const after = binding?.freeze?.autoUnfreezeAfterOkSeconds;
    if (!after || !f.okSince || f.alarms.length === 0 || flow.now().getTime() - Date.parse(f.okSince) < after * 1000)
      continue;
    const states = await flow.alarms.states(f.alarms);
    if (!f.alarms.every((a) => states.get(a) === 'OK')) {
      await flow.store.markOk(f.pipeline, f.stage, undefined);
      continue;
    }
    await unfreeze(flow, f.pipeline, f.stage, `every bound alarm OK since ${f.okSince} (${after}s cooldown)`);
  }
}

/** Re-enables promotions (a person through the CLI, or the timer after the OK cooldown). */
export async function unfreeze(flow: RollbackFlow, pipeline: string, stage: string, why: string): Promise<boolean> {
  const frozen = (await flow.store.freezes()).find((f) => f.pipeline === pipeline && f.stage === stage);
  await flow.stages.unfreeze(pipeline, stage);
  await flow.store.clearFreeze(pipeline, stage);
  await flow.recorder.record({
    kind: 'rollback.unfreeze',
    subject: `${pipeline}/${stage}`,
    outcome: 'UNFROZEN',
    reasons: [why],
    inputs: frozen ? { frozenSince: frozen.since, alarms: frozen.alarms } : { note: 'no freeze was recorded' },
  });
  return frozen !== undefined;
}
