'use strict';
/**
 * What serverless.yml derives from the policy's `gates` (loaded by iam.cjs): one least-privilege role
 * per gate function, the EventBridge patterns narrowed to the gated groups and bound pipelines, and
 * an SNS subscription (with its invoke permission) for each approval-notification topic the policy names.
 *
 * Resource "*" appears once, for sagemaker:ListModelPackages: the Service Authorization Reference
 * lists no resource type for it (a List action), so no ARN can scope it; it reveals package
 * summaries only, and every package the gate reads or writes is still scoped below.
 * DescribeModelPackage and UpdateModelPackage are authorized on model-package/<group>/* ARNs,
 * GetObject on report objects, Publish on the topic, GetPipelineState / GetPipelineExecution on the
 * pipeline, PutApprovalResult on pipeline/stage/action.
 */

const { killSwitchCheck, killSwitchRead } = require('./kill-switch-iam.cjs');

const sub = (text) => ({ 'Fn::Sub': text });
const literal = (value) => value.replaceAll('${', '${!');
const unique = (values) => [...new Set(values)];

/** Logical ids: osls names a function's log group `${Upper(key)}LogGroup`. */
const FUNCTIONS = {
  // The registry gate commits its decisions (record + claim + kill-switch check in one transaction);
  // the approval gate records them after PutApprovalResult, whose token makes it answer once, and
  // so reads the kill switch before answering.
  registryGate: { role: 'RegistryGateRole', logGroup: 'RegistryGateLogGroup', pipelines: false, commits: true },
  approvalGate: { role: 'ApprovalGateRole', logGroup: 'ApprovalGateLogGroup', pipelines: true, commits: false },
};

/**
 * SageMaker lower-cases names inside ARNs; IAM compares case-sensitively. A model package ARN is
 * model-package/<group>/<version>, and the group's own ARN model-package-group/<group>.
 */
const lowerToo = (name) => unique([name, name.toLowerCase()]);

function gateStatements(policy, withPipelines, commits) {
  const groups = unique(policy.gates.map((g) => g.modelPackageGroup)).flatMap(lowerToo);
  const statements = [
    {
      Sid: 'StateTable',
      Effect: 'Allow',
      // Claims (conditional PutItem) and decision records (PutItem), alone or in a committed
      // decision's transaction; DeleteItem gives a committed decision's claim back when its update
      // failed. The approval gate commits nothing (see FUNCTIONS), so it never deletes.
      Action: commits ? ['dynamodb:PutItem', 'dynamodb:DeleteItem'] : ['dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    commits ? killSwitchCheck : killSwitchRead,
  ];
  if (groups.length > 0) {
    statements.push({
      Sid: 'ModelRegistry',
      Effect: 'Allow',
      // Only the registry gate (the one that commits) sets a package's status; the approval gate
      // answers CodePipeline and reads packages.
      Action: commits
        ? ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage']
        : ['sagemaker:DescribeModelPackage'],
      Resource: groups.map((group) =>
        sub(`arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:model-package/${literal(group)}/*`),
      ),
    });
    // No resource type exists for this List action (see the header): "*" is the only valid Resource.
    statements.push({
      Sid: 'ListModelPackages',
      Effect: 'Allow',
      Action: ['sagemaker:ListModelPackages'],
      Resource: '*',
    });
  }
  const buckets = unique(policy.gates.flatMap((g) => g.reportBuckets));
  if (buckets.length > 0) {
    statements.push({
      Sid: 'ReadMetricReports',
      Effect: 'Allow',
      // No s3:ListBucket: a missing report then answers 403 AccessDenied rather than 404 (an ERROR
      // check either way: never a pass).
      Action: ['s3:GetObject'],
      Resource: buckets.map((bucket) => sub(`arn:\${AWS::Partition}:s3:::${bucket}/*`)),
    });
  }
  const topics = unique(policy.gates.map((g) => g.notifyTopicArn).filter(Boolean));
  if (topics.length > 0) {
    statements.push({ Sid: 'NotifyHolds', Effect: 'Allow', Action: ['sns:Publish'], Resource: topics });
  }
  const bindings = policy.gates.flatMap((g) => g.approvals);
  if (withPipelines && bindings.length > 0) {
    const pipelineArn = (name) =>
      `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${literal(name)}`;
    statements.push(
      {
        Sid: 'ReadBoundPipelines',
        Effect: 'Allow',
        Action: ['codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution'],
        Resource: unique(bindings.map((b) => pipelineArn(b.pipeline))).map(sub),
      },
      {
        Sid: 'AnswerBoundApprovals',
        Effect: 'Allow',
        Action: ['codepipeline:PutApprovalResult'],
        Resource: unique(
          bindings.map((b) => `${pipelineArn(b.pipeline)}/${literal(b.stage)}/${literal(b.action)}`),
        ).map(sub),
      },
    );
  }
  return statements;
}

function role(functionKey, spec, policy) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: sub(`mlops-controller \${AWS::StackName} ${functionKey}: only what this function calls`),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: functionKey,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OwnLogs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: { 'Fn::GetAtt': [spec.logGroup, 'Arn'] },
              },
              {
                Sid: 'AsyncFailureDestination',
                Effect: 'Allow',
                Action: ['sqs:SendMessage'],
                Resource: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] },
              },
              ...gateStatements(policy, spec.pipelines, spec.commits),
              ...require('./decisions-iam.cjs').decisionStatements(policy),
            ],
          },
        },
      ],
    },
  };
}

/** Approval-notification topics: the approval gate subscribes to each (the topic is the pipeline's, not ours). */
function approvalTopics(policy) {
  return unique(policy.gates.flatMap((g) => g.approvals.map((a) => a.notificationTopicArn)).filter(Boolean));
}

/**
 * Where SNS puts approval notifications it could not deliver to the approval gate (the function was
 * throttled past SNS's retries, or its permission is missing), with its depth alarm. As with the data
 * topic (infra/messaging.yml), SNS needs a queue policy admitting exactly these topics.
 */
function approvalTopicDlq(topics) {
  return {
    ApprovalTopicDLQ: {
      Type: 'AWS::SQS::Queue',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    },
    ApprovalTopicDLQPolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'ApprovalTopicDLQ' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'UndeliverableApprovalNotifications',
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': topics } },
            },
          ],
        },
      },
    },
    ApprovalTopicDLQNotEmptyAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: 'Approval notifications SNS could not deliver to the approvalGate function (redrive them)',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  };
}

function resources(policy) {
  const out = {};
  for (const [key, spec] of Object.entries(FUNCTIONS)) out[spec.role] = role(key, spec, policy);
  const topics = approvalTopics(policy);
  if (topics.length > 0) Object.assign(out, approvalTopicDlq(topics));
  topics.forEach((topicArn, i) => {
    out[`ApprovalTopicSubscription${i}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: topicArn,
        Protocol: 'lambda',
        // Lambda invokes asynchronously: a failed invocation lands in the function's onFailure queue;
        // a notification SNS cannot deliver at all lands in ApprovalTopicDLQ.
        Endpoint: { 'Fn::GetAtt': ['ApprovalGateLambdaFunction', 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['ApprovalTopicDLQ', 'Arn'] } },
      },
    };
    out[`ApprovalTopicPermission${i}`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['ApprovalGateLambdaFunction', 'Arn'] },
        Principal: 'sns.amazonaws.com',
        SourceArn: topicArn,
      },
    };
  });
  return out;
}

function patterns(policy, readPattern) {
  const groups = unique(policy.gates.map((g) => g.modelPackageGroup));
  const pipelines = unique(policy.gates.flatMap((g) => g.approvals.map((a) => a.pipeline)));
  const registry = readPattern('model-package-pending.json');
  const approval = readPattern('codepipeline-approval-started.json');
  return {
    // Without gates (or bindings) the base pattern would match every group/pipeline: keep it disabled.
    registryGate:
      groups.length === 0 ? registry : { ...registry, detail: { ...registry.detail, ModelPackageGroupName: groups } },
    registryGateEnabled: groups.length > 0,
    approvalGate:
      pipelines.length === 0 ? approval : { ...approval, detail: { ...approval.detail, pipeline: pipelines } },
    approvalGateEnabled: pipelines.length > 0,
  };
}

module.exports = { resources, patterns, gateStatements, approvalTopics };
