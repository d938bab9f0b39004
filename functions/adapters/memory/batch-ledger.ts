import type { AppendResult, BatchLedger, ClosedBatch, OpenBatch, OpenBatchView } from '../../ports/batch-ledger';
import { objectIdentity, type ObjectRef } from '../../domain/objects';

interface RuleLedger {
  seen: Set<string>;
  pending: ObjectRef[];
  open: OpenBatch;
  /** When the oldest pending object arrived (kept apart: `open` is what the closers see). */
  firstArrivalAt?: string;
  closed: Map<number, ObjectRef[]>;
}

/** Reference semantics of the ledger: single-threaded JS makes every method atomic. */
export class MemoryBatchLedger implements BatchLedger {
  private readonly rules = new Map<string, RuleLedger>();

  private ledger(rule: string): RuleLedger {
    let l = this.rules.get(rule);
    if (!l) {
      l = { seen: new Set(), pending: [], open: { pendingObjects: 0, pendingBytes: 0, nextSeq: 0 }, closed: new Map() };
      this.rules.set(rule, l);
    }
    return l;
  }

  async append(rule: string, objects: ObjectRef[], now: Date): Promise<AppendResult> {
    const l = this.ledger(rule);
    const accepted: ObjectRef[] = [];
    const duplicates: ObjectRef[] = [];
    for (const o of objects) {
      const id = objectIdentity(o);
      if (l.seen.has(id)) {
        duplicates.push(o);
        continue;
      }
      l.seen.add(id);
      if (l.pending.length === 0) l.firstArrivalAt = now.toISOString();
      l.pending.push(o);
      accepted.push(o);
      l.open.pendingObjects += 1;
      l.open.pendingBytes += o.size;
      l.open.lastArrivalAt = now.toISOString();
    }
    return { accepted, duplicates, open: { ...l.open } };
  }

  async open(rule: string): Promise<OpenBatch> {
    return { ...this.ledger(rule).open };
  }

  async inspect(rule: string): Promise<OpenBatchView> {
    const l = this.ledger(rule);
    return { ...l.open, ...(l.pending.length > 0 && l.firstArrivalAt ? { firstArrivalAt: l.firstArrivalAt } : {}) };
  }

  async close(
    rule: string,
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
    worthTrying?: (open: OpenBatch) => boolean,
  ): Promise<ClosedBatch | null> {
    const l = this.ledger(rule);
    if (l.pending.length === 0 || (worthTrying && !worthTrying({ ...l.open }))) return null;
    if (!decide([...l.pending], { ...l.open })) return null;
    const seq = l.open.nextSeq;
    const members = l.pending;
    l.closed.set(seq, members);
    l.pending = [];
    l.open = { pendingObjects: 0, pendingBytes: 0, nextSeq: seq + 1 };
    return { rule, seq, members: [...members], closedAt: now.toISOString() };
  }

  async members(rule: string, seq: number): Promise<ObjectRef[]> {
    return [...(this.ledger(rule).closed.get(seq) ?? [])];
  }
}
