/**
 * The resource types moto's CloudFormation skips (it lists them CREATE_COMPLETE with an empty
 * type and creates nothing), and the settings of live types it ignores. These are checked against
 * the template instead: every reference must name a resource that was deployed, and each type's
 * own rules (who may send, where failures go) are checked on the template's values.
 */
import { references, resolve, resourcesOfType, type Deployed } from './intrinsics';

type Template = { Resources: Record<string, { Type: string; Properties?: any }> };
type StaticCheck = (logicalId: string, props: any, template: Template, d: Deployed) => string[];

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every logical id the value refers to is a resource moto deployed (has a physical id). */
function deployedRefs(value: unknown, d: Deployed, types?: string[]): string[] {
  return references(value).flatMap((id) => {
    const r = d.resources.get(id);
    if (!r?.physicalId) return [`refers to ${id}, which was not deployed`];
    if (types && !types.includes(r.type)) return [`refers to ${id} (${r.type}), expected ${types.join(' or ')}`];
    return [];
  });
}

function statementsOf(doc: any): any[] {
  return asList(doc?.Statement);
}

/** The role's statements (resolved) that allow `action` on `resource`. */
function roleAllows(template: Template, d: Deployed, roleArnValue: unknown, action: string, resource: string): boolean {
  const roleId = references(roleArnValue)[0];
  const role = roleId ? template.Resources[roleId] : undefined;
  if (!role) return false;
  return asList<any>(role.Properties?.Policies).some((policy) =>
    statementsOf(resolve(policy.PolicyDocument, d)).some(
      (s) => s.Effect === 'Allow' && asList(s.Action).includes(action) && asList(s.Resource).includes(resource),
    ),
  );
}

const alarm: StaticCheck = (id, p, _t, d) => {
  const out = deployedRefs(p.Dimensions, d, ['AWS::SQS::Queue', 'AWS::Lambda::Function']);
  const dimension = { 'AWS/SQS': 'QueueName', 'AWS/Lambda': 'FunctionName' }[p.Namespace as string];
  if (!dimension) out.push(`namespace ${p.Namespace} is not one this stack alarms on`);
  const names = asList<any>(p.Dimensions).map((x) => x.Name);
  if (names.length !== 1 || names[0] !== dimension) out.push(`dimensions ${JSON.stringify(names)} for ${p.Namespace}`);
  for (const key of ['MetricName', 'Statistic', 'Period', 'EvaluationPeriods', 'Threshold', 'ComparisonOperator'])
    if (p[key] === undefined) out.push(`${key} missing`);
  // No data (a quiet queue, an idle function) is the healthy state here.
  if (p.TreatMissingData !== 'notBreaching') out.push(`TreatMissingData ${p.TreatMissingData}`);
  return out.map((m) => `${id}: ${m}`);
};

const subscription: StaticCheck = (id, p, t, d) => {
  const out = [
    ...deployedRefs(p.TopicArn, d, ['AWS::SNS::Topic']),
    ...deployedRefs(p.Endpoint, d, ['AWS::Lambda::Function']),
    ...deployedRefs(p.RedrivePolicy, d, ['AWS::SQS::Queue']),
  ];
  if (p.Protocol !== 'lambda') out.push(`protocol ${p.Protocol}`);
  const topic = resolve(p.TopicArn, d);
  const fn = resolve(p.Endpoint, d);
  // SNS can invoke the function only if its resource policy says so (verified live as a Permission).
  const permitted = resourcesOfType(t, 'AWS::Lambda::Permission').some(([, perm]) => {
    const r = resolve(perm, d);
    return r.Principal === 'sns.amazonaws.com' && r.SourceArn === topic && r.FunctionName === fn;
  });
  if (!permitted) out.push(`no Lambda::Permission lets ${topic} invoke ${fn}`);
  // Undeliverable messages reach the DLQ only if its queue policy lets this topic send.
  if (!p.RedrivePolicy) out.push('no RedrivePolicy: undeliverable messages would be lost');
  else {
    const dlq = resolve(p.RedrivePolicy.deadLetterTargetArn, d);
    const allowed = resourcesOfType(t, 'AWS::SQS::QueuePolicy').some(([, qp]) =>
      statementsOf(resolve(qp.PolicyDocument, d)).some(
        (s) =>
          s.Effect === 'Allow' &&
          s.Principal?.Service === 'sns.amazonaws.com' &&
          asList(s.Action).includes('sqs:SendMessage') &&
          s.Resource === dlq &&
          s.Condition?.ArnEquals?.['aws:SourceArn'] === topic,
      ),
    );
    if (!allowed) out.push(`no queue policy lets ${topic} send to its DLQ ${dlq}`);
  }
  return out.map((m) => `${id}: ${m}`);
};

function resourcePolicy(
  service: 'sqs' | 'sns',
  targetsKey: 'Queues' | 'Topics',
  action: string,
  arnOf: (v: unknown) => unknown,
): StaticCheck {
  return (id, p, _t, d) => {
    const out = deployedRefs(p[targetsKey], d, [service === 'sqs' ? 'AWS::SQS::Queue' : 'AWS::SNS::Topic']);
    const targets = asList(p[targetsKey]).map((x) => resolve(arnOf(x), d));
    for (const s of statementsOf(resolve(p.PolicyDocument, d))) {
      const label = s.Sid ?? JSON.stringify(s.Principal);
      if (s.Effect !== 'Allow') out.push(`${label}: effect ${s.Effect}`);
      if (!s.Principal?.Service) out.push(`${label}: principal ${JSON.stringify(s.Principal)} is not an AWS service`);
      if (!isDeep(asList(s.Action), [action]))
        out.push(`${label}: actions ${JSON.stringify(s.Action)}, expected only ${action}`);
      if (!asList(s.Resource).every((r) => targets.includes(r)))
        out.push(`${label}: resource ${JSON.stringify(s.Resource)} is not this policy's ${targetsKey}`);
      // A service principal without a source condition would let any account's resources send.
      const condition = JSON.stringify(s.Condition ?? {});
      if (!/"aws:SourceArn"/.test(condition)) out.push(`${label}: no aws:SourceArn condition`);
      // A bucket ARN names no account, and a deleted bucket's name can be taken by anyone: the S3
      // user guide's destination policies pair aws:SourceArn with aws:SourceAccount (the owner).
      if (s.Principal?.Service === 's3.amazonaws.com' && !/"aws:SourceAccount"/.test(condition))
        out.push(`${label}: S3 may send from any account's bucket of that name (no aws:SourceAccount condition)`);
    }
    return out.map((m) => `${id}: ${m}`);
  };
}

const isDeep = (a: unknown[], b: unknown[]) => JSON.stringify(a) === JSON.stringify(b);

const invokeConfig: StaticCheck = (id, p, t, d) => {
  const out = deployedRefs(p, d, ['AWS::Lambda::Function', 'AWS::SQS::Queue']);
  if (p.Qualifier !== '$LATEST') out.push(`qualifier ${p.Qualifier}`);
  // Lambda's documented ranges: 0-2 retries, 60-21600 s of event age.
  if (!(p.MaximumRetryAttempts >= 0 && p.MaximumRetryAttempts <= 2))
    out.push(`MaximumRetryAttempts ${p.MaximumRetryAttempts}`);
  if (
    p.MaximumEventAgeInSeconds !== undefined &&
    !(p.MaximumEventAgeInSeconds >= 60 && p.MaximumEventAgeInSeconds <= 21600)
  )
    out.push(`MaximumEventAgeInSeconds ${p.MaximumEventAgeInSeconds}`);
  const destination = p.DestinationConfig?.OnFailure?.Destination;
  if (!destination) out.push('no on-failure destination: a failed asynchronous invocation would be lost');
  else {
    // Lambda sends to the destination with the function's own role.
    const fnId = references(p.FunctionName)[0]!;
    const role = t.Resources[fnId]?.Properties?.Role;
    if (!roleAllows(t, d, role, 'sqs:SendMessage', resolve(destination, d)))
      out.push(`${fnId}'s role does not allow sqs:SendMessage to ${resolve(destination, d)}`);
  }
  return out.map((m) => `${id}: ${m}`);
};

const bucketPolicy: StaticCheck = (id, p, _t, d) => {
  const out = deployedRefs(p.Bucket, d, ['AWS::S3::Bucket']);
  const bucket = resolve(p.Bucket, d);
  const denied = statementsOf(resolve(p.PolicyDocument, d)).find(
    (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === false,
  );
  const resources = asList(denied?.Resource);
  if (!denied || !resources.includes(`arn:aws:s3:::${bucket}`) || !resources.includes(`arn:aws:s3:::${bucket}/*`))
    out.push('plain-HTTP access to the bucket and its objects is not denied');
  return out.map((m) => `${id}: ${m}`);
};

/** Types moto's CloudFormation skips, each with why and how it is checked instead. */
export const STATIC: Record<string, { check: StaticCheck }> = {
  'AWS::CloudWatch::Alarm': { check: alarm },
  'AWS::SNS::Subscription': { check: subscription },
  'AWS::SQS::QueuePolicy': {
    check: resourcePolicy('sqs', 'Queues', 'sqs:SendMessage', (q) => ({ 'Fn::GetAtt': [references(q)[0], 'Arn'] })),
  },
  'AWS::SNS::TopicPolicy': { check: resourcePolicy('sns', 'Topics', 'sns:Publish', (x) => x) },
  'AWS::Lambda::EventInvokeConfig': { check: invokeConfig },
  'AWS::S3::BucketPolicy': { check: bucketPolicy },
};

/**
 * Settings of live types that moto accepts and drops (read back, they show moto's defaults), so
 * they are checked on the template: name → check over every resource of the type.
 */
export const PARTIAL: Record<string, Record<string, (props: any) => boolean>> = {
  'AWS::DynamoDB::Table': {
    // The adapters write the expiry epoch seconds to `ttl` (functions/adapters/aws/dynamodb).
    'TimeToLiveSpecification on `ttl`': (p) =>
      p.TimeToLiveSpecification?.Enabled === true && p.TimeToLiveSpecification?.AttributeName === 'ttl',
    PointInTimeRecoverySpecification: (p) => p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
    SSESpecification: (p) => p.SSESpecification?.SSEEnabled === true,
  },
  'AWS::Lambda::Function': {
    // serverless.yml provider.architecture (moto creates every function as x86_64).
    'Architectures arm64': (p) => JSON.stringify(p.Architectures) === '["arm64"]',
  },
};

/** One alarm per function for errors and throttles, one per dead-letter queue. */
export function alarmCoverage(template: Template): string[] {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, p]) => ({
    metric: p.MetricName,
    target: references(p.Dimensions)[0],
  }));
  const out: string[] = [];
  for (const [fn] of resourcesOfType(template, 'AWS::Lambda::Function'))
    for (const metric of ['Errors', 'Throttles'])
      if (!alarms.some((a) => a.metric === metric && a.target === fn)) out.push(`${fn}: no ${metric} alarm`);
  // A dead-letter queue is any queue something sends failures to.
  const deadLetter = new Set<string>();
  for (const [, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    for (const v of [
      p.RedrivePolicy?.deadLetterTargetArn,
      p.DestinationConfig?.OnFailure?.Destination,
      ...asList<any>(p.Targets).map((x) => x.DeadLetterConfig?.Arn),
    ])
      for (const ref of references(v)) if (template.Resources[ref]?.Type === 'AWS::SQS::Queue') deadLetter.add(ref);
  }
  for (const q of deadLetter)
    if (!alarms.some((a) => a.metric === 'ApproximateNumberOfMessagesVisible' && a.target === q))
      out.push(`${q}: no not-empty alarm`);
  return out;
}
