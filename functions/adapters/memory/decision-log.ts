import { failedDecision, withPlanned } from '../../domain/commits';
import { ControllerError } from '../../domain/errors';
import { packagesTouched, selectDecisions } from '../../domain/decision-query';
import type { DecisionHistory, DecisionQuery } from '../../ports/decision-history';
import { systemClock, type Clock } from '../../ports/clock';
import type {
  CommitOptions,
  CommittedDecision,
  Decision,
  DecisionClaim,
  DecisionLog,
  Paused,
  PlannedWrite,
} from '../../ports/decision-log';
import type { KillSwitch } from '../../ports/kill-switch';
import { MemoryClaims } from './claims';

export interface MemoryDecisionLogOptions {
  /** The switch a commit `unlessPaused` is held to. */
  killSwitch?: KillSwitch;
}

export class MemoryDecisionLog implements DecisionLog, DecisionHistory {
  readonly decisions: Decision[] = [];
  private readonly claims: MemoryClaims;
  private readonly clock: Clock;
  private readonly killSwitch: KillSwitch | undefined;

  constructor(clock: Clock = systemClock, options: MemoryDecisionLogOptions = {}) {
    this.claims = new MemoryClaims(clock);
    this.clock = clock;
    this.killSwitch = options.killSwitch;
  }

  /** As the table selects: the packages a record touched are read from the whole record. */
  async list(query: DecisionQuery = {}): Promise<Decision[]> {
    return selectDecisions(this.decisions, query, this.clock.now(), packagesTouched).map((d) => structuredClone(d));
  }

  async record(decision: Decision): Promise<void> {
    this.decisions.push(structuredClone(decision));
  }

  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
  ): Promise<CommittedDecision | undefined>;
  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    options: CommitOptions,
  ): Promise<CommittedDecision | Paused | undefined>;
  /** One process, no awaits between the read and the write: the switch is as current as the claim. */
  async commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    options: CommitOptions = {},
  ): Promise<CommittedDecision | Paused | undefined> {
    if (options.unlessPaused) {
      if (!this.killSwitch) throw new ControllerError('kill switch not wired');
      const state = await this.killSwitch.state({ fresh: true });
      if (state.paused) return { paused: state };
    }
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
