import { decisionEntry, putEventsBatches } from '../aws/eventbridge';
import type { Decision } from '../../ports/decision-log';
import type { DecisionEvents } from '../../ports/decision-events';
import type { MemoryWorld } from './world';

/** EventBridge for the embedded backend: each PutEvents is journaled with the AWS adapter's entries. */
export class MemoryDecisionEvents implements DecisionEvents {
  constructor(
    private readonly world: MemoryWorld,
    private readonly eventBus: string,
  ) {}

  async publish(decisions: readonly Decision[]): Promise<void> {
    for (const entries of putEventsBatches(decisions.map((d) => decisionEntry(d, this.eventBus))))
      this.world.record('events', 'PutEvents', { Entries: entries.map(({ Time: _time, ...entry }) => entry) });
  }
}
