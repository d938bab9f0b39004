import type { ApprovalBinding, Gate } from '../config/policy-gates';
import type { Evaluation } from '../domain/gate-steps';
import type { Origin } from '../parsing/parsed';
import type { Decision } from '../ports/decision-log';
import type { ModelPackage } from '../ports/model-registry';
import { bindingFor, onApprovalNotification, onApprovalStarted } from './gates/approval';
import { evaluate } from './gates/evaluate';
import { gateFlow, type GateDeps, type GateFlow } from './gates/flow';
import { gateForGroup, onModelPackage } from './gates/registered';

export type { Evaluation } from '../domain/gate-steps';
export { packageLabel } from '../domain/gate-steps';
export { ApprovalTokenNotVisibleError } from './gates/approval';
export type { GateDeps } from './gates/flow';

/**
 * Model quality gates, one use case per file in gates/: registered (a package pending approval is
 * approved, rejected or held on its metrics), approval (a CodePipeline approval action bound to a
 * gate is answered the same way), evaluate (the checks both share). What a gate does with what it
 * read is decided in domain/gate-steps.ts, the verdict in domain/gates.ts. These are the entries
 * the handlers call.
 */
export class GateWorkflow {
  private readonly flow: GateFlow;

  constructor(private readonly deps: GateDeps) {
    this.flow = gateFlow(deps);
  }

  gateForGroup(group: string): Gate | undefined {
    return gateForGroup(this.flow, group);
  }

  bindingFor(pipeline: string, stage: string, action: string): { gate: Gate; binding: ApprovalBinding } | undefined {
    return bindingFor(this.flow, pipeline, stage, action);
  }

  /** Why an event's origin is not ours, or undefined when it is. */
  foreignOrigin(origin: Origin): string | undefined {
    return this.flow.recorder.foreignOrigin(origin);
  }

  async record(d: Omit<Decision, 'at'>): Promise<void> {
    return this.flow.recorder.record(d);
  }

  /** Registry gate: "Model Package State Change" for `arn` (gates/registered.ts). */
  async onModelPackage(arn: string, group: string, eventId: string, snapshot?: ModelPackage): Promise<void> {
    return onModelPackage(this.flow, arn, group, eventId, snapshot);
  }

  /** CodePipeline gate: an approval action of `executionId` STARTED (EventBridge). */
  async onApprovalStarted(
    target: { pipeline: string; stage: string; action: string; executionId: string },
    eventId: string,
  ): Promise<void> {
    return onApprovalStarted(this.flow, target, eventId);
  }

  /** CodePipeline gate: the approval action's SNS notification, which carries the token. */
  async onApprovalNotification(
    target: { pipeline: string; stage: string; action: string; token: string },
    eventId: string,
  ): Promise<void> {
    return onApprovalNotification(this.flow, target, eventId);
  }

  /** The engine both gates share (gates/evaluate.ts). */
  async evaluate(gate: Gate, challenger: ModelPackage): Promise<Evaluation> {
    return evaluate(this.flow, gate, challenger);
  }
}
