import { PolicyError } from '../domain/errors';
import { parsePolicyText, type Policy } from '../config/policy';
import { stackIssues, type StackTarget } from '../config/policy-stack';
import { policyWarnings } from '../config/policy-warnings';

/** What `validate` found offline: errors fail it; warnings fail it only with `--strict`. */
export interface OfflineReport {
  /** The parsed policy when the schema accepted it (stack issues may still be errors). */
  policy?: Policy;
  errors: string[];
  warnings: string[];
}

export function validateOffline(text: string, target: StackTarget = {}): OfflineReport {
  let policy: Policy;
  try {
    policy = parsePolicyText(text);
  } catch (error) {
    if (error instanceof PolicyError) return { errors: error.problems, warnings: [] };
    throw error;
  }
  return {
    policy,
    errors: stackIssues(policy, target),
    warnings: policyWarnings(policy).map((w) => `${w.path}: ${w.message}`),
  };
}

export function counts(policy: Policy): string {
  return [
    [policy.retraining.length, 'retraining rules'],
    [policy.gates.length, 'gates'],
    [policy.rollback.length, 'rollback bindings'],
    [policy.hooks.length, 'lifecycle-hook checks'],
    [policy.stageRetry.length, 'stage-retry rules'],
  ]
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}
