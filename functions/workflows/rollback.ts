import type { AlarmChange } from '../parsing/alarm';
import type { EventOrigin } from './recorder';
import { onAlarm } from './rollback/alarm';
import { onEndpoint, type EndpointSighting } from './rollback/endpoint';
import { rollbackFlow, type RollbackDeps, type RollbackFlow } from './rollback/flow';
import { unfreeze } from './rollback/freeze';
import { operatorRollback, type OperatorRollback, type OperatorRollbackResult } from './rollback/operator';
import { tick } from './rollback/tick';

export type { EndpointSighting } from './rollback/endpoint';
export type { RollbackDeps } from './rollback/flow';
export type { OperatorRollback, OperatorRollbackResult } from './rollback/operator';

/**
 * Alarm → rollback / retraining request; endpoint history; re-checks and auto-unfreeze on a timer.
 * One use case per file in rollback/: alarm (an alarm's response, its steps in codedeploy,
 * endpoint, reject and freeze), endpoint (configs seen InService, re-checks), freeze, tick. These
 * are the entries the handlers and the operator CLI call.
 */
export class RollbackWorkflow {
  private readonly flow: RollbackFlow;

  constructor(private readonly deps: RollbackDeps) {
    this.flow = rollbackFlow(deps);
  }

  async ignore(subject: string, reasons: string[], inputs: Record<string, unknown>): Promise<void> {
    return this.flow.recorder.ignore(subject, reasons, inputs);
  }

  foreignOrigin(origin: EventOrigin): string | undefined {
    return this.flow.recorder.foreignOrigin(origin);
  }

  async onAlarm(change: AlarmChange): Promise<void> {
    return onAlarm(this.flow, change);
  }

  async onEndpoint(s: EndpointSighting): Promise<void> {
    return onEndpoint(this.flow, s);
  }

  /** A person's `mlops-controller rollback <binding>`: the binding's alarm response, once per request. */
  async onOperator(request: OperatorRollback): Promise<OperatorRollbackResult> {
    return operatorRollback(this.flow, request);
  }

  async tick(): Promise<void> {
    return tick(this.flow);
  }

  /** Re-enables promotions (a person through the CLI, or the timer after the OK cooldown). */
  async unfreeze(pipeline: string, stage: string, why: string): Promise<boolean> {
    return unfreeze(this.flow, pipeline, stage, why);
  }
}
