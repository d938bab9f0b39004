import type { RedeployWatch, WatchedRedeploy } from '../../ports/redeploy-watch';

/** Followed redeployments in memory; single-threaded JS makes each method atomic, as DynamoDB's conditions do. */
export class MemoryRedeployWatch implements RedeployWatch {
  private readonly items = new Map<string, WatchedRedeploy & { outcome?: string }>();

  async watch(redeploy: WatchedRedeploy): Promise<boolean> {
    if (this.items.has(redeploy.deploymentId)) return false;
    this.items.set(redeploy.deploymentId, { ...redeploy });
    return true;
  }

  async pending(): Promise<WatchedRedeploy[]> {
    return [...this.items.values()].filter((i) => i.outcome === undefined).map(({ outcome: _, ...r }) => r);
  }

  async finish(deploymentId: string, outcome: string): Promise<void> {
    const item = this.items.get(deploymentId);
    if (item) item.outcome = outcome;
  }
}
