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

export interface Pipelines {
  start(request: StartRequest): Promise<StartResult>;
}
