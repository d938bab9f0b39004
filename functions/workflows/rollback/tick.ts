import { recheck } from './endpoint';
import type { RollbackFlow } from './flow';
import { thaw } from './freeze';
import { judgeAll } from './judge';

/** The timer: endpoints that were Updating when an alarm fired, freezes due to thaw, canary judgments. */
export async function tick(flow: RollbackFlow): Promise<void> {
  for (const r of await flow.store.pendingRechecks()) await recheck(flow, r);
  await thaw(flow);
  // Redeployments the controller created, followed to SUCCEEDED or FAILED (redeploy-follow.ts).
  await flow.redeploy.tick();
  // Each analysis's target judged once per interval (judge.ts).
  await judgeAll(flow);
}
