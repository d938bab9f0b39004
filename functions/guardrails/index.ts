/**
 * The guardrails every workflow runs inside, applied once by the wiring (config/*-runtime.ts,
 * simulate, the test harnesses): `guardWrites(deps)` returns the workflow's dependencies with
 * every write port guarded by observe mode and the kill switch (guard-writes.ts) and its decision
 * log explaining, storing, publishing, notifying and counting each decision (decisions.ts), which
 * takes the guard's journal of the writes made since the previous decision.
 */
import { createHash } from 'node:crypto';
import type { Policy } from '../config/policy';
import type { Clock } from '../ports/clock';
import type { DecisionEvents } from '../ports/decision-events';
import type { Decision, DecisionLog } from '../ports/decision-log';
import type { DecisionMetrics } from '../ports/decision-metrics';
import type { KillSwitch } from '../ports/kill-switch';
import type { Logger } from '../ports/logger';
import type { Notifier } from '../ports/notifier';
import { ExplainedDecisions } from './decisions';
import { WriteGuard, type WritePorts } from './guard-writes';

export interface GuardrailsDeps<S extends KillSwitch = KillSwitch> {
  policy: Policy;
  /** The policy text the functions bundle; its hash is each decision's policy version. */
  policyText?: string;
  /** Also the switch the decision logs are built with (their commits are held to it). */
  killSwitch: S;
  events?: DecisionEvents;
  notifier?: Notifier;
  metrics?: DecisionMetrics;
  logger: Logger;
  clock: Clock;
  /** Called with each decision id before it is stored (Powertools logger correlation id). */
  onDecision?: (decision: Decision) => void;
  /** Decision ids; default random UUIDs (simulate numbers them so its runs repeat exactly). */
  newId?: () => string;
}

export function policyVersion(policy: Policy, text?: string): string {
  return createHash('sha256')
    .update(text ?? JSON.stringify(policy))
    .digest('hex')
    .slice(0, 16);
}

/** The write guard (`withholding`, the journal) with the decision log that records what it did. */
export class Guardrails<S extends KillSwitch = KillSwitch> extends WriteGuard {
  policyVersion: string;
  readonly killSwitch: S;
  private readonly decisions: ExplainedDecisions;

  constructor(deps: GuardrailsDeps<S>) {
    super(deps);
    this.policyVersion = policyVersion(deps.policy, deps.policyText);
    this.killSwitch = deps.killSwitch;
    this.decisions = new ExplainedDecisions({ ...deps, guard: this });
  }

  /** The same dependencies, with every write port guarded and decisions explained. */
  guardWrites<D extends WritePorts & { decisions?: DecisionLog }>(deps: D): D {
    const guarded = this.ports(deps);
    if (guarded.decisions) guarded.decisions = this.decisions.log(guarded.decisions);
    return guarded;
  }
}

export type { WritePorts } from './guard-writes';
