/**
 * Resolves the CloudFormation intrinsics the packaged template uses (Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join) against what the deployed stack reports, so a template property can be compared with
 * the setting read back from the service. An intrinsic or attribute this does not know throws: a
 * comparison must never pass because a value was left unresolved.
 */
export interface Deployed {
  region: string;
  accountId: string;
  stackName: string;
  /** Logical id → type and the physical id moto's ListStackResources reports. */
  resources: Map<string, { type: string; physicalId: string }>;
}

type Template = { Resources: Record<string, { Type: string; Properties?: any }> };

const lastSegment = (s: string) => s.slice(s.lastIndexOf('/') + 1);

function pseudo(name: string, d: Deployed): string | undefined {
  return {
    'AWS::Region': d.region,
    'AWS::AccountId': d.accountId,
    'AWS::Partition': 'aws',
    'AWS::StackName': d.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  }[name];
}

function physical(logicalId: string, d: Deployed): { type: string; physicalId: string } {
  const r = d.resources.get(logicalId);
  if (!r?.physicalId) throw new Error(`${logicalId}: the deployed stack reports no physical id`);
  return r;
}

/** What `Ref` returns per type (the CloudFormation resource reference's "Ref" column). */
function ref(logicalId: string, d: Deployed): string {
  const p = pseudo(logicalId, d);
  if (p !== undefined) return p;
  return physical(logicalId, d).physicalId; // queue URL, topic ARN, and the name for the others
}

function getAtt(logicalId: string, attribute: string, d: Deployed): string {
  const { type, physicalId } = physical(logicalId, d);
  const { region: r, accountId: a } = d;
  const arns: Record<string, () => string> = {
    'AWS::SQS::Queue': () => `arn:aws:sqs:${r}:${a}:${lastSegment(physicalId)}`,
    'AWS::SNS::Topic': () => physicalId,
    'AWS::Lambda::Function': () => `arn:aws:lambda:${r}:${a}:function:${physicalId}`,
    'AWS::IAM::Role': () => `arn:aws:iam::${a}:role/${physicalId}`,
    'AWS::DynamoDB::Table': () => `arn:aws:dynamodb:${r}:${a}:table/${physicalId}`,
    'AWS::S3::Bucket': () => `arn:aws:s3:::${physicalId}`,
    'AWS::Events::Rule': () => `arn:aws:events:${r}:${a}:rule/${physicalId}`,
    'AWS::Logs::LogGroup': () => `arn:aws:logs:${r}:${a}:log-group:${physicalId}:*`,
  };
  if (attribute === 'Arn' && arns[type]) return arns[type]();
  if (attribute === 'QueueName' && type === 'AWS::SQS::Queue') return lastSegment(physicalId);
  if (attribute === 'TopicName' && type === 'AWS::SNS::Topic') return lastSegment(physicalId.replace(/:/g, '/'));
  throw new Error(`Fn::GetAtt ${logicalId}.${attribute} (${type}) is not resolved by this test`);
}

function sub(text: string, vars: Record<string, unknown>, d: Deployed): string {
  return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
    if (literal) return '${' + name + '}';
    if (name in vars) return String(resolve(vars[name], d));
    const dot = name.indexOf('.');
    return dot > 0 && !name.startsWith('AWS::') ? getAtt(name.slice(0, dot), name.slice(dot + 1), d) : ref(name, d);
  });
}

/** The value with every intrinsic replaced by what the deployed stack resolved it to. */
export function resolve(value: unknown, d: Deployed): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, d));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref') return ref(String(arg), d);
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return getAtt(String(id), String(attribute), d);
    }
    if (key === 'Fn::Sub') return Array.isArray(arg) ? sub(String(arg[0]), arg[1] ?? {}, d) : sub(String(arg), {}, d);
    if (key === 'Fn::Join') return (resolve(arg[1], d) as unknown[]).join(String(arg[0]));
    if (key.startsWith('Fn::')) throw new Error(`${key} is not resolved by this test`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, d)]));
}

/** The logical ids an intrinsic-bearing value refers to (Ref, GetAtt and Sub names, pseudo parameters left out). */
export function references(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [key, arg] of Object.entries(v)) {
      if (key === 'Ref' && !String(arg).startsWith('AWS::')) out.add(String(arg));
      else if (key === 'Fn::GetAtt') out.add(String(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]));
      else if (key === 'Fn::Sub') {
        const text = String(Array.isArray(arg) ? arg[0] : arg);
        for (const m of text.matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) if (!m[1]!.startsWith('AWS::')) out.add(m[1]!);
        if (Array.isArray(arg)) walk(arg[1]);
      } else walk(arg);
    }
  };
  walk(value);
  return [...out];
}

export function resourcesOfType(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}
