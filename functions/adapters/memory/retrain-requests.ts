import { STALE_TAKE_MS, type RetrainRequest, type RetrainRequests } from '../../ports/retrain-requests';

interface Entry {
  request: RetrainRequest;
  takenAt?: number;
  outcome?: string;
  executionId?: string;
}

/** Retraining requests in memory; single-threaded JS makes each method atomic, as DynamoDB's conditions do. */
export class MemoryRetrainRequests implements RetrainRequests {
  private readonly entries = new Map<string, Entry>();

  private static key(rule: string, token: string): string {
    return `${rule}#${token}`;
  }

  async request(request: RetrainRequest): Promise<boolean> {
    const key = MemoryRetrainRequests.key(request.rule, request.token);
    if (this.entries.has(key)) return false;
    this.entries.set(key, { request: structuredClone(request) });
    return true;
  }

  private takeable(entry: Entry | undefined, now: Date): entry is Entry {
    return (
      entry !== undefined &&
      entry.outcome === undefined &&
      (entry.takenAt === undefined || entry.takenAt < now.getTime() - STALE_TAKE_MS)
    );
  }

  async pending(rule: string, now: Date): Promise<RetrainRequest[]> {
    return [...this.entries.values()]
      .filter((e) => e.request.rule === rule && this.takeable(e, now))
      .map((e) => structuredClone(e.request))
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async take(rule: string, token: string, now: Date): Promise<boolean> {
    const entry = this.entries.get(MemoryRetrainRequests.key(rule, token));
    if (!this.takeable(entry, now)) return false;
    entry.takenAt = now.getTime();
    return true;
  }

  async settle(rule: string, token: string, outcome: string, _at: Date, executionId?: string): Promise<void> {
    const entry = this.entries.get(MemoryRetrainRequests.key(rule, token));
    if (!entry || entry.outcome !== undefined) return;
    entry.outcome = outcome;
    if (executionId) entry.executionId = executionId;
  }
}
