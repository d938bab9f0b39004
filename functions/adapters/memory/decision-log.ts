import { failedDecision, withPlanned } from '../../domain/commits';
import { systemClock, type Clock } from '../../ports/clock';
import type { CommittedDecision, Decision, DecisionClaim, DecisionLog, PlannedWrite } from '../../ports/decision-log';
import type { KillSwitch, KillSwitchState } from '../../ports/kill-switch';
import { MemoryClaims } from './claims';

export class MemoryDecisionLog implements DecisionLog {
  readonly decisions: Decision[] = [];
  private readonly claims: MemoryClaims;

  constructor(clock: Clock = systemClock) {
    this.claims = new MemoryClaims(clock);
  }

  async record(decision: Decision): Promise<void> {
    this.decisions.push(structuredClone(decision));
  }

  async commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
  ): Promise<CommittedDecision | undefined> {
    const result = await this.commitUnlessPaused(decision, claim, planned);
    return result && 'paused' in result ? undefined : result;
  }

  /** One process, no awaits between the read and the write: the switch is as current as the claim. */
  async commitUnlessPaused(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    killSwitch?: KillSwitch,
  ): Promise<CommittedDecision | { paused: KillSwitchState } | undefined> {
    const state = await killSwitch?.state({ fresh: true });
    if (state?.paused) return { paused: state };
    if (!(await this.claims.claim(claim.key, claim.ttlSeconds))) return undefined;
    const index = this.decisions.push(structuredClone(withPlanned(decision, planned)));
    return {
      done: async () => {
        if (claim.keepSeconds !== undefined) this.claims.hold(claim.key, claim.keepSeconds);
      },
      fail: async (error) => {
        this.decisions[index - 1] = failedDecision(this.decisions[index - 1]!, error);
        await this.claims.release(claim.key);
      },
    };
  }
}
