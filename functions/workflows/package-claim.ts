import type { CommittedDecision, DecisionClaim } from '../ports/decision-log';
import type { ApprovalStatus, ModelRegistry } from '../ports/model-registry';

/**
 * How long one decision holds the right to approve/reject a package: longer than the gate
 * function's 30 s timeout, shorter than Lambda's first retry (~1 min), so a holder that died never
 * blocks it.
 */
export const DECIDE_CLAIM_SECONDS = 45;

/**
 * The one claim every approval decision on `arn` takes, the registry gate's and a person's
 * (`mlops-controller approve/reject`) alike: DescribeModelPackage then UpdateModelPackage is no
 * atomic compare-and-set, so whoever holds it decides and the other finds the status set.
 */
export const packageDecisionClaim = (arn: string): DecisionClaim => ({
  key: `GATE-DECIDE#${arn}`,
  ttlSeconds: DECIDE_CLAIM_SECONDS,
});

/**
 * Makes the committed decision's UpdateModelPackage and closes the decision. A lost answer (a
 * timeout after the update landed) is read back: the committed decision then stands, rather than
 * being marked failed and skipped by the retry (fault suite).
 */
export async function setStatusCommitted(
  registry: ModelRegistry,
  committed: CommittedDecision,
  arn: string,
  status: ApprovalStatus,
  description: string,
): Promise<void> {
  try {
    await registry.setApprovalStatus(arn, status, description);
  } catch (error) {
    const landed = await registry.describe(arn).then(
      (now) => now?.status === status,
      () => false,
    );
    if (!landed) {
      await committed.fail(error).catch(() => undefined);
      throw error;
    }
  }
  await committed.done();
}
