import { recheck } from './endpoint';
import type { RollbackFlow } from './flow';
import { thaw } from './freeze';

/** The timer: endpoints that were Updating when an alarm fired, and freezes due to thaw. */
export async function tick(flow: RollbackFlow): Promise<void> {
  for (const r of await flow.store.pendingRechecks()) await recheck(flow, r);
  await thaw(flow);
  // Redeployments the controller created, followed to SUCCEEDED or FAILED (redeploy-follow.ts).
  await flow.redeploy.tick();
}
