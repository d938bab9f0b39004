import type { RetrainingTarget } from '../config/policy';

export interface StartRequest {
  target: RetrainingTarget;
  /** Idempotency token: the same token never starts a second execution. */
  token: string;
  manifestUri: string;
  /** Extra values passed as CodePipeline variables / SageMaker pipeline parameters. */
  values: Record<string, string>;
}

export interface Pipelines {
  /** Starts an execution; returns its id (CodePipeline) or ARN (SageMaker). */
  start(request: StartRequest): Promise<string>;
}
