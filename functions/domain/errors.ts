/**
 * One error hierarchy. `retryable` tells the handler whether to surface the failure (so Lambda,
 * SQS or EventBridge retries and finally dead-letters it) or to record it and move on.
 */
export class ControllerError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

/** The policy file is wrong; `problems` name the path of each mistake. */
export class PolicyError extends ControllerError {
  constructor(readonly problems: string[]) {
    super(`policy is invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** An AWS call failed after the SDK's own retries: surface it so the delivery is retried. */
export class AwsCallError extends ControllerError {
  constructor(service: string, operation: string, cause: unknown) {
    super(`${service}.${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      retryable: true,
    });
  }
}

/**
 * The endpoint config a rollback would return to was deleted (SageMaker: ValidationException "Could
 * not find endpoint configuration"). Retrying cannot bring it back: a person must choose a config.
 */
export class EndpointConfigMissingError extends ControllerError {
  constructor(
    readonly config: string,
    cause?: unknown,
  ) {
    super(`endpoint config ${config} no longer exists (deleted)`, { cause, retryable: false });
  }
}

/**
 * A deployment the rollback meant to stop finished first (StopDeployment: DeploymentAlreadyCompletedException)
 * and Succeeded: its revision is live and nothing was stopped. Retried, the delivery plans again
 * and finds no deployment in flight, so it redeploys the last good revision.
 */
export class DeploymentFinishedError extends ControllerError {
  constructor(readonly deploymentId: string) {
    super(
      `deployment ${deploymentId} Succeeded before it could be stopped: its revision is live; re-planning the rollback`,
      { retryable: true },
    );
  }
}

/** A conditional write lost a race that the caller cannot resolve by itself: retry the delivery. */
export class ContentionError extends ControllerError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, retryable: true });
  }
}
