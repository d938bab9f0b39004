import type { Decision, DecisionLog } from '../../ports/decision-log';

export class MemoryDecisionLog implements DecisionLog {
  readonly decisions: Decision[] = [];
  async record(decision: Decision): Promise<void> {
    this.decisions.push(structuredClone(decision));
  }
}
