import type { RetrainingTarget } from '../config/policy';

export interface StartRequest {
  target: RetrainingTarget;
  /** Idempotency token: the same token never starts a second execution. */
  token: string;
  manifestUri: string;
  /**
   * Identifies the run (`<rule>-<seq>`, or `alarm-<name>` for a run without a batch). Sent only
   * under the name the target declares (`batchIdVariable` / `batchIdParameter`), never by default:
   * the pipeline decides which names it accepts.
   */
  batchId: string;
}

/**
 * A start that was made, with its execution id (CodePipeline) or ARN (SageMaker), or one the
 * guardrails withheld (observe mode, kill switch), with why: no execution exists then.
 */
export type StartResult = { executionId: string } | { withheld: string };

/**
 * The execution id a run and its decision record: a withheld start has none, so it is recorded as
 * `withheld:<token>` (the record reads the same as before starts answered a typed result).
 */
export const executionIdOf = (result: StartResult, token: string): string =>
  'executionId' in result ? result.executionId : `withheld:${token}`;

export interface Pipelines {
  start(request: StartRequest): Promise<StartResult>;
}
