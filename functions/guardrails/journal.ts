/**
 * What the write guard and the decision log share within one invocation (which handles one event
 * at a time): the writes made since the last recorded decision, and the verdicts of the writes
 * committed decisions planned and the workflow has not made yet.
 */
import type { ActionRecord } from '../ports/decision-log';

export class WriteJournal {
  /** Write calls since the last recorded decision; the next record takes them. */
  private actions: ActionRecord[] = [];
  /** Verdicts (why withheld, or undefined: taken) of planned writes not made yet, by writeKey. */
  private readonly committed = new Map<string, { why: string | undefined }[]>();
  /** The id of a decision whose commit found its claim held: nothing stored it, the next may. */
  spareId: string | undefined;

  add(action: ActionRecord): void {
    this.actions.push(action);
  }

  pending(): ActionRecord[] {
    return [...this.actions];
  }

  /** The writes since the last record, handed to the record being made. */
  take(): ActionRecord[] {
    const taken = this.actions;
    this.actions = [];
    return taken;
  }

  /** A record that was not stored gives its writes back, ahead of any made since. */
  giveBack(actions: ActionRecord[]): void {
    this.actions = [...actions, ...this.actions];
  }

  /** The verdict a committed decision gave the next write under `key`, consumed once. */
  verdictFor(key: string): { why: string | undefined } | undefined {
    const queue = this.committed.get(key);
    const verdict = queue?.shift();
    if (queue?.length === 0) this.committed.delete(key);
    return verdict;
  }

  commitVerdict(key: string, why: string | undefined): void {
    this.committed.set(key, [...(this.committed.get(key) ?? []), { why }]);
  }

  /** The decision's writes are done or failed: verdicts it left unused must not judge later writes. */
  forget(key: string): void {
    this.committed.delete(key);
  }
}
