import type { RetrainingTarget } from '../../config/policy';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader, RunFailures } from '../../ports/run-failures';

/**
 * One reader per target type. A read that fails is part of the answer, not an error: the failure
 * decision still records the run as failed and says what could not be read. Step Functions and
 * CodeBuild runs have no reader (their roles grant no DescribeExecution or BatchGetBuilds): their
 * failure decision says so and names where to look.
 */
export class AwsRunFailures implements RunFailures {
  constructor(private readonly readers: Partial<Record<RetrainingTarget['type'], FailureReader>>) {}

  async facts(target: Pick<RetrainingTarget, 'type' | 'name'>, executionId: string): Promise<FailureFacts> {
    const reader = this.readers[target.type];
    if (!reader)
      return {
        unread: `the controller reads no failure details of ${target.type} runs: see ${executionId} in the ${target.type === 'codebuild' ? 'CodeBuild' : 'Step Functions'} console`,
      };
    try {
      return await reader.facts(target.name, executionId);
    } catch (error) {
      return { unread: `could not read why: ${(error as Error).message}` };
    }
  }
}
