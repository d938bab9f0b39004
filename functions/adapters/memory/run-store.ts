import type { BatchQuery, BatchRecord, BatchStatus, GuardState, RunStore } from '../../ports/run-store';

const emptyGuard = (): GuardState => ({ version: 0, startsToday: 0, nextSeq: 0 });

export class MemoryRunStore implements RunStore {
  private readonly records = new Map<string, BatchRecord>();
  private readonly guards = new Map<string, GuardState>();

  private static key(rule: string, seq: number): string {
    return `${rule}#${seq}`;
  }

  async putBatch(record: BatchRecord): Promise<boolean> {
    const key = MemoryRunStore.key(record.rule, record.seq);
    if (this.records.has(key)) return false;
    this.records.set(key, structuredClone(record));
    return true;
  }

  async getBatch(rule: string, seq: number): Promise<BatchRecord | undefined> {
    const found = this.records.get(MemoryRunStore.key(rule, seq));
    return found && structuredClone(found);
  }

  async batches(rule: string, query: BatchQuery = {}): Promise<BatchRecord[]> {
    return [...this.records.values()]
      .filter(
        (b) =>
          b.rule === rule &&
          b.seq >= (query.fromSeq ?? 0) &&
          (query.statuses === undefined || query.statuses.includes(b.status)),
      )
      .sort((a, b) => a.seq - b.seq)
      .map((b) => structuredClone(b));
  }

  async transition(
    rule: string,
    seq: number,
    from: readonly BatchStatus[],
    patch: Partial<BatchRecord> & { status: BatchStatus },
  ): Promise<boolean> {
    const key = MemoryRunStore.key(rule, seq);
    const current = this.records.get(key);
    if (!current || !from.includes(current.status)) return false;
    this.records.set(key, { ...current, ...structuredClone(patch), rule, seq });
    return true;
  }

  async getGuard(rule: string): Promise<GuardState> {
    return structuredClone(this.guards.get(rule) ?? emptyGuard());
  }

  async swapGuard(rule: string, expected: GuardState, next: Omit<GuardState, 'version'>): Promise<boolean> {
    const current = this.guards.get(rule) ?? emptyGuard();
    if (current.version !== expected.version) return false;
    this.guards.set(rule, { ...structuredClone(next), version: current.version + 1 });
    return true;
  }
}
