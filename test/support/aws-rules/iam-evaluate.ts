/**
 * Evaluates recorded AWS calls against the role each function gets, with iam-simulate (AGPL,
 * test-only, never bundled). The roles are built by the code `osls package` runs (infra/iam.cjs
 * `rolesFor`) for the policy the test's workflow was given, so a test's own bucket, pipeline or
 * alarm names are what the role grants; iam-roles.test.ts checks that for controller.yml those
 * roles are exactly the packaged template's.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Policy } from '../../../functions/config/policy';
export { functionsOfStack } from './iam-entries';
import { STACK, identityPolicies, simulate, type AuthorizedCall, type IdentityPolicy } from '../role-simulation';

const ROOT = process.cwd();
type Resource = { Type: string; Properties?: any };

const infra = createRequire(join(ROOT, 'infra', 'iam.cjs'))(join(ROOT, 'infra', 'iam.cjs')) as {
  rolesFor: (policy: Policy) => Record<string, Resource>;
};

/** The roles every function of `policy` gets, keyed by logical id (infra/iam.cjs + gates-iam.cjs). */
export const rolesFor = (policy: Policy): Record<string, Resource> => infra.rolesFor(policy);

/** The stack resources the roles name besides policy values (what Fn::GetAtt resolves). */
function stackResources(roles: Record<string, Resource>): Record<string, Resource> {
  const out: Record<string, Resource> = { StateTable: { Type: 'AWS::DynamoDB::Table' } };
  for (const id of JSON.stringify(roles).matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)) {
    const name = id[1]!;
    if (name.endsWith('LogGroup')) out[name] = { Type: 'AWS::Logs::LogGroup' };
    else if (/Queue$|DLQ$/.test(name)) out[name] = { Type: 'AWS::SQS::Queue' };
  }
  return out;
}

/** The state table's ARN as deployed: every table a function calls is the one STATE_TABLE names. */
export const STATE_TABLE_ARN = `arn:${STACK.partition}:dynamodb:${STACK.region}:${STACK.account}:table/${STACK.name}-StateTable-1QX8Z3K7RT0VB`;

export function asDeployed(call: AuthorizedCall): AuthorizedCall {
  return call.action.startsWith('dynamodb:') ? { ...call, resource: STATE_TABLE_ARN } : call;
}

const policiesCache = new WeakMap<Policy, Map<string, IdentityPolicy[]>>();

/** The resolved inline policies of `roleId` for `policy`. */
export function rolePolicies(policy: Policy, roleId: string): IdentityPolicy[] {
  let byRole = policiesCache.get(policy);
  if (!byRole) {
    const roles = rolesFor(policy);
    const template = { Resources: { ...stackResources(roles), ...roles } };
    byRole = new Map(Object.keys(roles).map((id) => [id, identityPolicies(template, id)]));
    policiesCache.set(policy, byRole);
  }
  const found = byRole.get(roleId);
  if (!found) throw new Error(`iam-evaluate: no role ${roleId} for this policy`);
  return found;
}

/** `policies` without statement `index` of their first document (the upper bound's deletion). */
export function withoutStatement(policies: IdentityPolicy[], index: number, action?: string): IdentityPolicy[] {
  return policies.map((p, i) => {
    if (i !== 0) return p;
    const statements = p.policy.Statement.flatMap((s, j) => {
      if (j !== index) return [s];
      if (action === undefined) return [];
      const actions = ([] as string[]).concat(s.Action as string | string[]).filter((a) => a !== action);
      return actions.length ? [{ ...s, Action: actions }] : [];
    });
    return { ...p, policy: { ...p.policy, Statement: statements } };
  });
}

const results = new Map<string, Promise<string>>();

/**
 * 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied' or 'invalid: …'. Memoized by `policiesKey`,
 * which names the policy set (policy, role, deletion) so it is not serialized per call.
 */
export function decide(policies: IdentityPolicy[], call: AuthorizedCall, policiesKey: string): Promise<string> {
  const key = `${policiesKey}\u0000${JSON.stringify(call)}`;
  let r = results.get(key);
  if (!r) {
    r = simulate(policies, asDeployed(call));
    results.set(key, r);
  }
  return r;
}
