import { MemoryDeployments } from '../../../functions/adapters/memory/deployments';
import { MemoryKillSwitch } from '../../../functions/adapters/memory/kill-switch';
import { Guardrails } from '../../../functions/guardrails';
import { P4, rollbackHarness, rollbackPolicy } from '../../support/rollback-harness';

/** The guarded deployments port over the memory adapter, counting the GetDeployment reads it makes. */
function guardedDeployments(paused = false) {
  const h = rollbackHarness();
  h.seedGroup('InProgress');
  const killSwitch = new MemoryKillSwitch();
  if (paused) void killSwitch.set({ paused: true, by: 'ops', reason: 'incident' });
  const inner = new MemoryDeployments(h.world);
  let gets = 0;
  const counting = Object.assign(Object.create(inner) as MemoryDeployments, {
    get: (id: string) => {
      gets += 1;
      return inner.get(id);
    },
  });
  const { deployments } = new Guardrails({
    policy: rollbackPolicy(),
    killSwitch,
    logger: h.logger,
    clock: h.clock,
  }).guardWrites({ deployments: counting });
  return { h, deployments: deployments!, gets: () => gets };
}

describe('the guarded deployments port finds the group it guards without extra reads', () => {
  it('a stop after listing the group makes no GetDeployment', async () => {
    const { h, deployments, gets } = guardedDeployments();
    await deployments.recent('churn-app', 'churn-live', new Date(0));
    await deployments.stop('d-2');
    expect(gets()).toBe(0);
    expect(h.ops('StopDeployment').map((a) => a.input)).toEqual([{ deploymentId: 'd-2', autoRollbackEnabled: true }]);
  });

  it('a stop of a deployment it has not seen reads its group first', async () => {
    const { h, deployments, gets } = guardedDeployments();
    await deployments.stop('d-2');
    expect(gets()).toBe(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
  });

  it('a Failed hook answer while paused reuses the group the hook read: one GetDeployment, answered Succeeded', async () => {
    const { h, deployments, gets } = guardedDeployments(true);
    expect((await deployments.get('d-2')).description).toBe(`model ${P4}`);
    await deployments.answerHook('d-2', 'hook-1', 'Failed');
    expect(gets()).toBe(1);
    expect(h.ops('PutLifecycleEventHookExecutionStatus').map((a) => (a.input as { status: string }).status)).toEqual([
      'Succeeded',
    ]);
  });
});
