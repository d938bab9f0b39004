import type { RetrainingTarget } from '../../config/policy';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader, RunFailures } from '../../ports/run-failures';

/** The failure readers by target type. */
export type FailureReaders = Partial<Record<RetrainingTarget['type'], FailureReader>>;

const CONSOLE: Record<RetrainingTarget['type'], string> = {
  codepipeline: 'CodePipeline',
  sagemaker: 'SageMaker',
  stepfunctions: 'Step Functions',
  codebuild: 'CodeBuild',
};

/**
 * One reader per target type. A read that fails is part of the answer, not an error: the failure
 * decision still records the run as failed and says what could not be read. Only executionFinished
 * has readers (functions/config/failure-readers.ts); a function without one says where to look.
 */
export class AwsRunFailures implements RunFailures {
  constructor(private readonly readers: FailureReaders) {}

  async facts(target: Pick<RetrainingTarget, 'type' | 'name'>, executionId: string): Promise<FailureFacts> {
    const reader = this.readers[target.type];
    if (!reader)
      return {
        unread: `this function reads no failure details of ${target.type} runs: see ${executionId} in the ${CONSOLE[target.type]} console`,
      };
    try {
      return await reader.facts(target.name, executionId);
    } catch (error) {
      return { unread: `could not read why: ${(error as Error).message}` };
    }
  }
}
