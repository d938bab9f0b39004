import type { RetrainingRule } from '../config/policy';
import type { ObjectRef } from '../domain/objects';
import type { Origin } from '../parsing/parsed';
import type { ClosedBatch, OpenBatch } from '../ports/batch-ledger';
import { onExecutionFinished } from './retraining/finished';
import { retrainingFlow, type RetrainingDeps, type RetrainingFlow } from './retraining/flow';
import { onObjects, tryClose } from './retraining/ingest';
import { dropQuarantined, releaseQuarantined, type QuarantineResult } from './retraining/quarantine';
import { startDue, startNow, type StartNowResult } from './retraining/starts';
import { sweep } from './retraining/sweep';

export type { RetrainingDeps } from './retraining/flow';

/**
 * Data drops → batches → pipeline starts, one use case per file in retraining/: ingest (objects
 * announced, batches closed), starts (the next start of a rule, alarm-requested starts), finished
 * (an execution ended), sweep (the timer). These are the entries the handlers call.
 */
export class RetrainingWorkflow {
  private readonly flow: RetrainingFlow;

  constructor(private readonly deps: RetrainingDeps) {
    this.flow = retrainingFlow(deps);
  }

  /** Why an event's origin is not ours, or undefined when it is. */
  foreignOrigin(origin: Origin): string | undefined {
    return this.flow.recorder.foreignOrigin(origin);
  }

  /** Records a delivery we will not act on. */
  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    return this.flow.recorder.ignore(subject, reasons, inputs);
  }

  async onObjects(objects: readonly ObjectRef[], origin: Origin, deliveryId: string): Promise<void> {
    return onObjects(this.flow, objects, origin, deliveryId);
  }

  async tryClose(rule: RetrainingRule, worthTrying?: (open: OpenBatch) => boolean): Promise<ClosedBatch | null> {
    return tryClose(this.flow, rule, worthTrying);
  }

  async startDue(rule: RetrainingRule): Promise<void> {
    return startDue(this.flow, rule);
  }

  async startNow(
    ruleName: string,
    reasonId: string,
    reason: string,
    token: string,
    context: Record<string, unknown> = {},
  ): Promise<StartNowResult> {
    return startNow(this.flow, ruleName, reasonId, reason, token, context);
  }

  async onExecutionFinished(
    target: { type: 'codepipeline' | 'sagemaker'; name: string },
    executionId: string,
    status: string,
    eventId: string,
  ): Promise<void> {
    return onExecutionFinished(this.flow, target, executionId, status, eventId);
  }

  /** A person starts a quarantined batch anyway (`quarantine release`). */
  async releaseQuarantined(rule: string, seq: number, why: string): Promise<QuarantineResult> {
    return releaseQuarantined(this.flow, rule, seq, why);
  }

  /** A person gives up on a quarantined batch (`quarantine drop`). */
  async dropQuarantined(rule: string, seq: number, why: string): Promise<QuarantineResult> {
    return dropQuarantined(this.flow, rule, seq, why);
  }

  async sweep(): Promise<void> {
    return sweep(this.flow);
  }
}
