import type { Policy } from '../config/policy';
import type { Clock } from '../ports/clock';
import type { CommittedDecision, Decision, DecisionClaim, DecisionLog, PlannedWrite } from '../ports/decision-log';
import type { Logger } from '../ports/logger';

export interface RecorderDeps {
  policy: Pick<Policy, 'controller'>;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

/** Where an event says it comes from (either may be absent: then it is not checked). */
export interface EventOrigin {
  account?: string;
  region?: string;
}

/**
 * Writes the decisions a workflow made, stamped with the clock and logged, so every workflow records
 * the same way: `record` for a decision with no write behind it, `commit` for one whose writes follow
 * (write-ahead, DecisionLog.commit), `ignore` for a delivery not acted on. It decides nothing itself
 * beyond whether an event's origin is one the policy serves.
 */
export class Recorder {
  /** `ignoreKind`: the kind of the IGNORED records of this workflow (`retraining.ignore`, ...). */
  constructor(
    private readonly deps: RecorderDeps,
    private readonly ignoreKind: string,
    private readonly evidence: Record<string, unknown> = {},
  ) {}

  /**
   * The same recorder, adding `evidence` to the inputs of every decision it writes: what triggered
   * a group of decisions, recorded once where it is known rather than by every step (whatif reads it).
   */
  with(evidence: Record<string, unknown>): Recorder {
    return new Recorder(this.deps, this.ignoreKind, { ...this.evidence, ...evidence });
  }

  private stamp(d: Omit<Decision, 'at'>): Decision {
    this.deps.logger.info(`decision ${d.kind} ${d.outcome}`, { subject: d.subject, reasons: d.reasons });
    const inputs = Object.keys(this.evidence).length > 0 ? { ...d.inputs, ...this.evidence } : d.inputs;
    return { ...d, inputs, at: this.deps.clock.now().toISOString() };
  }

  async record(d: Omit<Decision, 'at'>): Promise<void> {
    await this.deps.decisions.record(this.stamp(d));
  }

  /** Undefined, with nothing written, when another delivery holds `claim`. */
  commit(
    d: Omit<Decision, 'at'>,
    claim: DecisionClaim,
    planned: PlannedWrite[],
  ): Promise<CommittedDecision | undefined> {
    return this.deps.decisions.commit(this.stamp(d), claim, planned);
  }

  /** Records a delivery we will not act on. */
  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    await this.record({ kind: this.ignoreKind, subject, outcome: 'IGNORED', reasons, inputs });
  }

  /** Why an event's origin is not one the policy serves, or undefined when it is. */
  foreignOrigin(origin: EventOrigin): string | undefined {
    const { accounts, regions } = this.deps.policy.controller;
    if (origin.account && !accounts.includes(origin.account))
      return `account ${origin.account} is not one of ${accounts.join(', ')}`;
    if (origin.region && !regions.includes(origin.region))
      return `region ${origin.region} is not one of ${regions.join(', ')}`;
    return undefined;
  }
}
