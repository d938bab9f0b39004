import { PolicyError } from '../domain/errors';
import type { Policy } from './policy';

/** Where a stack is being packaged or deployed; unknown parts are not checked. */
export interface StackTarget {
  region?: string;
}

/**
 * What one deployed stack can serve. Its IAM grants, resource ARNs and EventBridge rules are built
 * for the deploying account and region only (`${AWS::AccountId}`, `${AWS::Region}`), so a policy
 * listing more would pass the schema and then ignore, or fail to act on, everything outside them.
 * The schema itself keeps accepting lists: simulations model cross-account and cross-region
 * deliveries, which the controller ignores by these lists.
 */
export function stackIssues(policy: Policy, target: StackTarget = {}): string[] {
  const { accounts, regions } = policy.controller;
  const issues: string[] = [];
  if (accounts.length > 1)
    issues.push(
      `controller.accounts: lists ${accounts.length} accounts (${accounts.join(', ')}), but one stack acts only in ` +
        `the account it is deployed to: keep that account (accounts: ['${accounts[0]}']) and deploy one stack per account`,
    );
  if (regions.length > 1)
    issues.push(
      `controller.regions: lists ${regions.length} regions (${regions.join(', ')}), but one stack acts only in ` +
        `the region it is deployed to: keep that region (regions: [${regions[0]}]) and deploy one stack per region`,
    );
  if (target.region !== undefined && !regions.includes(target.region))
    issues.push(
      `controller.regions: ${regions.join(', ')} does not include ${target.region}, the stack's region, ` +
        `so the stack would ignore every event: deploy with --region ${regions[0]} or write ` +
        `regions: [${target.region}]`,
    );
  return issues;
}

/** `policy` if one stack can serve it (at `target`), else a PolicyError naming each reason. */
export function deployablePolicy(policy: Policy, target: StackTarget = {}): Policy {
  const issues = stackIssues(policy, target);
  if (issues.length > 0) throw new PolicyError(issues);
  return policy;
}
