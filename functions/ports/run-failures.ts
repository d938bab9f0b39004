import type { RetrainingTarget } from '../config/policy';
import type { FailureFacts } from '../domain/run-failure';

/**
 * Why a failed run failed, as one target's service tells it (one adapter per target type:
 * functions/adapters/aws/<service>-failures.ts). Reads are capped: a page or two per failure,
 * never a crawl through the whole history.
 */
export interface FailureReader {
  /** `pipeline` is the rule's target name; `executionId` the id the start answered with. */
  facts(pipeline: string, executionId: string): Promise<FailureFacts>;
}

/** The readers by target type: the retraining workflow asks for the failed run's target. */
export interface RunFailures {
  facts(target: Pick<RetrainingTarget, 'type' | 'name'>, executionId: string): Promise<FailureFacts>;
}
