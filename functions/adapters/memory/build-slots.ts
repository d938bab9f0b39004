import type { SlotHolders } from '../../domain/build-slots';
import type { BuildSlots, SlotState } from '../../ports/build-slots';

export class MemoryBuildSlots implements BuildSlots {
  private state: SlotState = { version: 0, holders: {} };

  async read(): Promise<SlotState> {
    return structuredClone(this.state);
  }

  async swap(expected: SlotState, holders: SlotHolders): Promise<boolean> {
    if (this.state.version !== expected.version) return false;
    this.state = { version: expected.version + 1, holders: structuredClone(holders) };
    return true;
  }
}
