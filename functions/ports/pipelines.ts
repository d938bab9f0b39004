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

export interface Pipelines {
  /** Starts an execution; returns its id (CodePipeline) or ARN (SageMaker). */
  start(request: StartRequest): Promise<string>;
}
