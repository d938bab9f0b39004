import { runSimulation } from '@cloud-copilot/iam-simulate';

type Resource = { Type: string; Properties?: any };
type Template = { Resources: Record<string, Resource> };

/** The account, region and stack a deployed template is evaluated in. */
export const STACK = { account: '123456789012', region: 'us-east-1', partition: 'aws', name: 'mlops-controller-dev' };

/**
 * The physical name CloudFormation gives a resource without an explicit name: `<stack>-<logicalId>-<suffix>`.
 * The suffix is fixed so ARNs here are stable and realistic.
 */
const physicalName = (logicalId: string) => `${STACK.name}-${logicalId}-1QX8Z3K7RT0VB`;

const { account, region, partition } = STACK;
const ARN_OF: Record<string, (id: string, r: Resource) => string> = {
  'AWS::DynamoDB::Table': (id, r) =>
    `arn:${partition}:dynamodb:${region}:${account}:table/${r.Properties?.TableName ?? physicalName(id)}`,
  'AWS::Logs::LogGroup': (id, r) =>
    `arn:${partition}:logs:${region}:${account}:log-group:${r.Properties?.LogGroupName ?? physicalName(id)}:*`,
  'AWS::SQS::Queue': (id, r) =>
    `arn:${partition}:sqs:${region}:${account}:${r.Properties?.QueueName ?? physicalName(id)}`,
};

/** What `Ref` of a template resource answers for the types a role's policy names. */
function ref(template: Template, id: string): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': account,
    'AWS::Region': region,
    'AWS::Partition': partition,
    'AWS::StackName': STACK.name,
  };
  if (id in pseudo) return pseudo[id]!;
  const resource = template.Resources[id];
  if (resource?.Type === 'AWS::DynamoDB::Table') return resource.Properties?.TableName ?? physicalName(id);
  throw new Error(`role-simulation: no Ref value for ${id} (${resource?.Type ?? 'not in the template'})`);
}

function getAtt(template: Template, id: string, attribute: string): string {
  const resource = template.Resources[id];
  const arnOf = resource && ARN_OF[resource.Type];
  if (attribute !== 'Arn' || !arnOf)
    throw new Error(`role-simulation: no value for ${id}.${attribute} (${resource?.Type ?? 'not in the template'})`);
  return arnOf(id, resource);
}

/** Replaces the intrinsic functions a role's policy uses (Fn::Sub, Fn::GetAtt, Ref) with deployed values. */
export function resolve(template: Template, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[fn, arg]] = entries as [[string, any]];
    if (fn === 'Ref') return ref(template, arg);
    if (fn === 'Fn::GetAtt') return getAtt(template, arg[0], arg[1]);
    if (fn === 'Fn::Sub') {
      if (typeof arg !== 'string') throw new Error('role-simulation: Fn::Sub with a variable map is not resolved');
      return arg.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        const [id, attribute] = name.split('.') as [string, string | undefined];
        return attribute ? getAtt(template, id, attribute) : ref(template, id);
      });
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(template, v)]));
}

/** An AWS call as IAM authorizes it. */
export type AuthorizedCall = { action: string; resource: string; context?: Record<string, string | string[]> };

/**
 * How IAM answers `call` made by the function whose role is `roleId` (its inline policies, as
 * packaged and resolved for STACK): 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied', or the
 * simulator's validation errors (an unknown action, an ARN that is not the action's resource type).
 */
export async function evaluate(template: Template, roleId: string, call: AuthorizedCall): Promise<string> {
  return simulate(identityPolicies(template, roleId), call);
}

export type IdentityPolicy = { name: string; policy: { Statement: Array<Record<string, unknown>> } };

/** The inline policies of the role `roleId`, as packaged and resolved for STACK. */
export function identityPolicies(template: Template, roleId: string): IdentityPolicy[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`role-simulation: ${roleId} is not a role of the template`);
  return (role.Properties.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>).map((p) => ({
    name: p.PolicyName,
    policy: resolve(template, p.PolicyDocument) as IdentityPolicy['policy'],
  }));
}

/** How IAM answers `call` for a principal holding exactly `policies` (see `evaluate`). */
export async function simulate(policies: IdentityPolicy[], call: AuthorizedCall): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:${partition}:sts::${account}:assumed-role/${STACK.name}-role/session`,
        action: call.action,
        resource: { resource: call.resource, accountId: account },
        contextVariables: call.context ?? {},
      },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') return `invalid: ${JSON.stringify(result.errors)}`;
  return result.overallResult;
}
