import { AwsCallError, ControllerError } from '../../domain/errors';
import type { Pipelines, StartRequest, StartResult } from '../../ports/pipelines';
import type { CodePipelineStarter } from './codepipeline';
import type { SageMakerPipelineStarter } from './sagemaker';

type Kind = StartRequest['target']['type'];

/** The target names a pipeline that does not exist (or not of that kind): fix the policy. */
export class PipelineNotFoundError extends ControllerError {
  constructor(
    readonly kind: Kind,
    readonly pipeline: string,
    cause?: unknown,
  ) {
    super(`${kind} pipeline "${pipeline}" does not exist${detail(cause)}`, { cause, retryable: false });
  }
}

/** AWS refused the request itself (bad variable/parameter, missing permission): retrying cannot help. */
export class PipelineStartRejectedError extends ControllerError {
  constructor(
    readonly kind: Kind,
    readonly pipeline: string,
    cause?: unknown,
  ) {
    super(`${kind} refused to start pipeline "${pipeline}"${detail(cause)}`, { cause, retryable: false });
  }
}

function detail(cause: unknown): string {
  return cause instanceof Error ? `: ${cause.name}: ${cause.message}` : '';
}

const NOT_FOUND = new Set(['PipelineNotFoundException', 'ResourceNotFound']);
const REJECTED = new Set([
  'ValidationException',
  'AccessDeniedException',
  'AccessDenied',
  'InvalidParameterValueException',
]);

/**
 * Not found and rejected requests are final. Everything else is surfaced as retryable AwsCallError:
 * throttling, 5xx, CodePipeline ConflictException ("pipeline is busy") and
 * ConcurrentPipelineExecutionsLimitExceededException, SageMaker ResourceLimitExceeded: all clear up.
 */
export function mapStartError(kind: Kind, pipeline: string, error: unknown): ControllerError {
  if (error instanceof ControllerError) return error;
  const name = error instanceof Error ? error.name : '';
  if (NOT_FOUND.has(name)) return new PipelineNotFoundError(kind, pipeline, error);
  if (REJECTED.has(name)) return new PipelineStartRejectedError(kind, pipeline, error);
  return new AwsCallError(kind, 'StartPipelineExecution', error);
}

export class AwsPipelines implements Pipelines {
  constructor(private readonly starters: { codepipeline: CodePipelineStarter; sagemaker: SageMakerPipelineStarter }) {}

  async start(request: StartRequest): Promise<StartResult> {
    const { target } = request;
    try {
      const executionId =
        target.type === 'codepipeline'
          ? await this.starters.codepipeline.start({ ...request, target })
          : await this.starters.sagemaker.start({ ...request, target });
      return { executionId };
    } catch (error) {
      throw mapStartError(target.type, target.name, error);
    }
  }
}
