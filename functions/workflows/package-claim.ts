import type { DecisionClaim } from '../ports/decision-log';

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
