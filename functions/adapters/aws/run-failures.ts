import type { RetrainingTarget } from '../../config/policy';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader, RunFailures } from '../../ports/run-failures';

/**
 * One reader per target type. A read that fails is part of the answer, not an error: the failure
 * decision still records the run as failed and says what could not be read.
 */
export class AwsRunFailures implements RunFailures {
  constructor(private readonly readers: Record<RetrainingTarget['type'], FailureReader>) {}

  async facts(target: Pick<RetrainingTarget, 'type' | 'name'>, executionId: string): Promise<FailureFacts> {
    try {
      return await this.readers[target.type].facts(target.name, executionId);
    } catch (error) {
      return { unread: `could not read why: ${(error as Error).message}` };
    }
  }
}
