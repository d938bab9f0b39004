import { AwsCallError, ControllerError } from '../../domain/errors';
import { writes } from '../../domain/writes';
import type { Pipelines, StartRequest, StartResult } from '../../ports/pipelines';
import type { CodeBuildStarter } from './codebuild';
import type { CodePipelineStarter } from './codepipeline';
import type { SageMakerPipelineStarter } from './sagemaker';
import type { StepFunctionsStarter } from './stepfunctions';

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

const NOT_FOUND = new Set([
  'PipelineNotFoundException',
  'ResourceNotFound',
  // Step Functions; CodeBuild
  'StateMachineDoesNotExist',
  'ResourceNotFoundException',
]);
const REJECTED = new Set([
  'ValidationException',
  'AccessDeniedException',
  'AccessDenied',
  'InvalidParameterValueException',
  // Step Functions: a malformed ARN, name or input, a state machine being deleted, a KMS key
  // the role cannot use; CodeBuild: a parameter it refuses (or a token reused with others).
  'InvalidArn',
  'InvalidName',
  'InvalidExecutionInput',
  'StateMachineDeleting',
  'KmsAccessDeniedException',
  'KmsInvalidStateException',
  'InvalidInputException',
]);

/**
 * Not found and rejected requests are final. Everything else is surfaced as retryable AwsCallError:
 * throttling, 5xx, CodePipeline ConflictException ("pipeline is busy") and
 * ConcurrentPipelineExecutionsLimitExceededException, SageMaker ResourceLimitExceeded, Step
 * Functions ExecutionLimitExceeded and KmsThrottlingException, CodeBuild
 * AccountLimitExceededException: all clear up.
 */
export function mapStartError(kind: Kind, pipeline: string, error: unknown): ControllerError {
  if (error instanceof ControllerError) return error;
  const name = error instanceof Error ? error.name : '';
  if (NOT_FOUND.has(name)) return new PipelineNotFoundError(kind, pipeline, error);
  if (REJECTED.has(name)) return new PipelineStartRejectedError(kind, pipeline, error);
  const { service, operation } = writes.startPipeline(kind, pipeline);
  return new AwsCallError(service, operation, error);
}

export interface Starters {
  codepipeline: CodePipelineStarter;
  sagemaker: SageMakerPipelineStarter;
  /** Optional for callers whose rules never target them; a start of that kind is then refused. */
  stepfunctions?: StepFunctionsStarter;
  codebuild?: CodeBuildStarter;
}

export class AwsPipelines implements Pipelines {
  constructor(private readonly starters: Starters) {}

  async start(request: StartRequest): Promise<StartResult> {
    const { target } = request;
    try {
      return { executionId: await this.dispatch(request) };
    } catch (error) {
      throw mapStartError(target.type, target.name, error);
    }
  }

  private dispatch(request: StartRequest): Promise<string> {
    const { target } = request;
    switch (target.type) {
      case 'codepipeline':
        return this.starters.codepipeline.start({ ...request, target });
      case 'sagemaker':
        return this.starters.sagemaker.start({ ...request, target });
      case 'stepfunctions':
        return this.required('stepfunctions').start({ ...request, target });
      case 'codebuild':
        return this.required('codebuild').start({ ...request, target });
    }
  }

  private required<K extends 'stepfunctions' | 'codebuild'>(kind: K): NonNullable<Starters[K]> {
    const starter = this.starters[kind];
    if (!starter) throw new ControllerError(`no ${kind} client was wired for this function`, { retryable: false });
    return starter as NonNullable<Starters[K]>;
  }
}
