import { decisionEntry } from '../aws/eventbridge';
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
    for (let i = 0; i < decisions.length; i += 10)
      this.world.record('events', 'PutEvents', {
        Entries: decisions.slice(i, i + 10).map((d) => {
          const { Time: _time, ...entry } = decisionEntry(d, this.eventBus);
          return entry;
        }),
      });
  }
}
