'use strict';
/**
 * Everything serverless.yml derives from the policy (custom.policy: the file named by
 * `--param="policy=<file>"`, else the example controller.yml): one least-privilege IAM role
 * per function, the EventBridge patterns narrowed to the policy's buckets and pipelines, and the
 * bucket ARNs allowed to notify the data queue/topic.
 *
 *   ${file(./infra/iam.cjs):roles}                       role resources (merged into `resources`)
 *   ${file(./infra/iam.cjs):patterns.dataArrived}        S3 "Object Created" pattern
 *   ${file(./infra/iam.cjs):patterns.dataArrivedEnabled}  false when there is nothing to match
 *   ${file(./infra/iam.cjs):patterns.codePipelineFinished} / sageMakerFinished / stepFunctionsFinished /
 *   codeBuildFinished / ...Enabled
 *   ${file(./infra/iam.cjs):sourceBucketArns}            list of Fn::Sub bucket ARNs
 *   ${file(./infra/iam.cjs):sourceAccounts}              the accounts that may own them
 *   ${file(./infra/iam.cjs):gateResources}               the gates' roles, SNS subscriptions (gates-iam.cjs)
 *   ${file(./infra/iam.cjs):patterns.registryGate} / approvalGate / ...Enabled
 *
 * CommonJS (.cjs) because the package is ESM and osls loads variable files with `require`.
 * The policy is parsed by the same zod schema the functions bundle (functions/config/policy.ts,
 * loaded through tsx), so defaults (manifests.prefix, source.prefix) and validation messages are
 * identical at package time and at run time: an invalid policy fails `osls package`.
 *
 * Resource "*" appears nowhere: every API the functions call (DynamoDB item/query calls, S3
 * GetObject/PutObject, CodePipeline and SageMaker StartPipelineExecution, CloudWatch Logs writes,
 * SQS receive/send) supports resource-level ARNs. If X-Ray tracing is ever enabled,
 * xray:PutTraceSegments/PutTelemetryRecords are the APIs that need "*" (they have no resource ARN).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DEFAULT_POLICY_FILE = path.join(ROOT, 'controller.yml');

/** Logical ids shared with serverless.yml and infra/*.yml. */
const ids = {
  table: 'StateTable',
  dataQueue: 'DataQueue',
  failedInvocations: 'FailedInvocationsQueue',
};

/** serverless.yml function key -> osls log group logical id (osls: `${Upper(key)}LogGroup`). */
const rollback = require('./rollback.cjs');
const { decisionStatements } = require('./decisions-iam.cjs');

const FUNCTIONS = {
  // closesBatches: the function closes the ledger's batches (RetrainingWorkflow.tryClose and the
  // sweeper's recovery), which reads the new objects' heads and may replace a lapsed closer's batch
  // item. executionFinished only releases guards and starts recorded batches: it does neither, and
  // never looks for a lane's end (no Query). explainsFailures: it reads why a failed run failed.
  dataArrived: {
    role: 'DataArrivedRole',
    logGroup: 'DataArrivedLogGroup',
    consumesDataQueue: true,
    closesBatches: true,
  },
  executionFinished: { role: 'ExecutionFinishedRole', logGroup: 'ExecutionFinishedLogGroup', explainsFailures: true },
  sweeper: { role: 'SweeperRole', logGroup: 'SweeperLogGroup', closesBatches: true },
  // alarmRollback, endpointTracker, deploymentHook, stageRetry: statements from infra/rollback.cjs.
  ...rollback.FUNCTIONS,
};

/** A path from `--param="policy=<file>"` is the user's, relative to where they run osls. */
const policyFile = (file) => (file ? path.resolve(file) : DEFAULT_POLICY_FILE);

/** The path as the user would write it: relative inside the directory osls runs in, else absolute. */
function shownPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

const cached = new Map();
/**
 * The policy at `file`, parsed by the functions' own schema and checked against what one stack can
 * serve (functions/config/policy-stack.ts: one account, one region, `target.region` among them).
 */
function loadPolicy(file = DEFAULT_POLICY_FILE, target = {}) {
  const key = JSON.stringify([file, target.region]);
  if (cached.has(key)) return cached.get(key);
  // tsx's CommonJS API compiles the TypeScript schema on the fly (~0.3 s); same code the Lambdas run.
  const { require: tsRequire } = require('tsx/cjs/api');
  const { parsePolicyText } = tsRequire('../functions/config/policy.ts', __filename);
  const { deployablePolicy } = tsRequire('../functions/config/policy-stack.ts', __filename);
  let policy;
  try {
    policy = deployablePolicy(parsePolicyText(fs.readFileSync(file, 'utf8')), target);
  } catch (error) {
    // PolicyError's message already lists every problem with its path.
    throw new Error(`${shownPath(file)}: ${error.message}`, { cause: error });
  }
  cached.set(key, policy);
  return policy;
}

/**
 * The policy of the stack osls is resolving: serverless.yml's custom.policy (the `policy` param) for
 * its provider.region. osls calls each exported function below with these resolvers.
 */
async function stackPolicy({ resolveConfigurationProperty }) {
  const file = await resolveConfigurationProperty(['custom', 'policy']);
  const region = await resolveConfigurationProperty(['provider', 'region']);
  return loadPolicy(policyFile(file), { region });
}

const unique = (values) => [...new Set(values)];
const sub = (text) => ({ 'Fn::Sub': text });
/** Policy values inside an Fn::Sub string: "${" would start a substitution, "${!" is a literal "${". */
const literal = (value) => value.replaceAll('${', '${!');
const uniqueSubs = (texts) => unique(texts).map(sub);

/**
 * SageMaker puts resource names into ARNs in lower case (the pipeline "Ranking-Training" has the ARN
 * .../pipeline/ranking-training), and IAM compares ARNs case-sensitively, so both spellings are
 * granted. The duplicates collapse when the name is already lower case.
 */
const sageMakerNames = (name) => unique([name, name.toLowerCase()]);

function controllerStatements(policy, { closesBatches = true, explainsFailures = false } = {}) {
  const rules = policy.retraining;
  const { manifests } = policy.controller;
  const statements = [
    {
      Sid: 'StateTable',
      Effect: 'Allow',
      // TransactWriteItems is not an IAM action: each Put/Update inside a transaction is
      // authorized as PutItem/UpdateItem; a ConditionCheck as ConditionCheckItem, which
      // only the functions committing decisions (infra/kill-switch-iam.cjs) and the ledger's
      // closers (LedgerLeaseCheck below) get.
      Action: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        // A lane's end (the ledger's append, close and open read) and the pending retrain requests
        // (the sweep); executionFinished reads its guard, batches and a batch's members by key.
        ...(closesBatches ? ['dynamodb:Query'] : []),
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      // No DeleteItem: the retraining path deletes nothing (the ledger, run store and retrain
      // requests only put and update; it commits no claimed decision that a failure gives back).
      // The table has no indexes; Query runs on the table itself.
      Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] },
    },
    {
      Sid: 'WriteManifests',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: sub(`arn:\${AWS::Partition}:s3:::${manifests.bucket}/${literal(manifests.prefix)}*`),
    },
  ];
  if (closesBatches)
    statements.splice(1, 0, {
      Sid: 'LedgerLeaseCheck',
      Effect: 'Allow',
      // A closer replacing the batch item a lapsed closer left checks its lease on the rule's OPEN
      // item inside that transaction (functions/adapters/aws/dynamodb/ledger.ts): granted on the
      // ledger's partitions only.
      Action: ['dynamodb:ConditionCheckItem'],
      Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LEDGER#*'] } },
    });
  if (closesBatches && rules.length > 0) {
    statements.push({
      Sid: 'ReadNewDataHeads',
      Effect: 'Allow',
      // Ranged GET of the first bytes for the schema check; GetObjectVersion because the event names
      // the exact version and a GET with VersionId is authorized as s3:GetObjectVersion.
      // No s3:ListBucket (it would expose every key of the bucket): so S3 answers a GET of a
      // deleted object with 403 AccessDenied rather than 404 NoSuchKey.
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: uniqueSubs(
        rules.map((rule) => `arn:\${AWS::Partition}:s3:::${rule.source.bucket}/${literal(rule.source.prefix)}*`),
      ),
    });
  }
  const codePipelines = rules.filter((rule) => rule.target.type === 'codepipeline').map((rule) => rule.target.name);
  if (codePipelines.length > 0) {
    statements.push({
      Sid: 'StartCodePipelines',
      Effect: 'Allow',
      Action: ['codepipeline:StartPipelineExecution'],
      Resource: uniqueSubs(
        codePipelines.map((name) => `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${name}`),
      ),
    });
  }
  const sageMakerPipelines = rules.filter((rule) => rule.target.type === 'sagemaker').map((rule) => rule.target.name);
  if (sageMakerPipelines.length > 0) {
    statements.push({
      Sid: 'StartSageMakerPipelines',
      Effect: 'Allow',
      Action: ['sagemaker:StartPipelineExecution'],
      Resource: uniqueSubs(
        sageMakerPipelines
          .flatMap(sageMakerNames)
          .map((name) => `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:pipeline/${name}`),
      ),
    });
  }
  const stateMachines = rules.filter((rule) => rule.target.type === 'stepfunctions').map((rule) => rule.target);
  if (stateMachines.length > 0) {
    statements.push({
      Sid: 'StartStateMachines',
      Effect: 'Allow',
      // Authorized on the state machine ARN the rule names (a version or alias ARN is its own
      // resource): exactly what StartExecution is sent.
      Action: ['states:StartExecution'],
      Resource: unique(stateMachines.map((t) => t.stateMachineArn)),
    });
  }
  const projects = rules.filter((rule) => rule.target.type === 'codebuild').map((rule) => rule.target.name);
  if (projects.length > 0) {
    statements.push({
      Sid: 'StartCodeBuildProjects',
      Effect: 'Allow',
      Action: ['codebuild:StartBuild'],
      Resource: uniqueSubs(
        projects.map((name) => `arn:\${AWS::Partition}:codebuild:\${AWS::Region}:\${AWS::AccountId}:project/${name}`),
      ),
    });
  }
  if (explainsFailures)
    statements.push(...failureReadStatements(codePipelines, sageMakerPipelines, stateMachines, projects));
  return statements;
}

/**
 * The reads that explain a failed run (functions/adapters/aws/*-failures.ts), on the targets'
 * pipelines and their executions only.
 */
function failureReadStatements(codePipelines, sageMakerPipelines, stateMachines, projects) {
  const statements = [];
  if (codePipelines.length > 0)
    statements.push({
      Sid: 'ExplainCodePipelineFailures',
      Effect: 'Allow',
      Action: ['codepipeline:GetPipelineExecution', 'codepipeline:ListActionExecutions'],
      Resource: uniqueSubs(
        codePipelines.map((name) => `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${name}`),
      ),
    });
  if (sageMakerPipelines.length > 0)
    statements.push({
      Sid: 'ExplainSageMakerFailures',
      Effect: 'Allow',
      // Both are authorized on the execution (resource type pipeline-execution).
      Action: ['sagemaker:ListPipelineExecutionSteps', 'sagemaker:DescribePipelineExecution'],
      Resource: uniqueSubs(
        sageMakerPipelines
          .flatMap(sageMakerNames)
          .map(
            (name) =>
              `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:pipeline/${name}/execution/*`,
          ),
      ),
    });
  if (stateMachines.length > 0)
    statements.push({
      Sid: 'ExplainStepFunctionsFailures',
      Effect: 'Allow',
      // Both are authorized on the execution (resource type execution): the executions of the
      // policy's state machines, whichever version or alias started them.
      Action: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      Resource: unique(
        stateMachines.map((t) => {
          const [arn, partition, service, region, account, , machine] = t.stateMachineArn.split(':');
          return [arn, partition, service, region, account, 'execution', machine, '*'].join(':');
        }),
      ),
    });
  if (projects.length > 0)
    statements.push(
      {
        Sid: 'ExplainCodeBuildFailures',
        Effect: 'Allow',
        // Authorized on the build's project (resource type project).
        Action: ['codebuild:BatchGetBuilds'],
        Resource: uniqueSubs(
          projects.map((name) => `arn:\${AWS::Partition}:codebuild:\${AWS::Region}:\${AWS::AccountId}:project/${name}`),
        ),
      },
      {
        Sid: 'ReadCodeBuildLogs',
        Effect: 'Allow',
        // The streams of each project's default group, /aws/codebuild/<project> (resource type
        // log-stream); functions/adapters/aws/codebuild-failures.ts reads no other group.
        Action: ['logs:GetLogEvents'],
        Resource: uniqueSubs(
          projects.map(
            (name) =>
              `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/codebuild/${name}:log-stream:*`,
          ),
        ),
      },
    );
  return statements;
}

function roleResource(functionKey, spec, policy) {
  const statements = [
    {
      Sid: 'OwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The group is created by osls; its Arn attribute ends in ":*" and so covers its streams.
      Resource: { 'Fn::GetAtt': [spec.logGroup, 'Arn'] },
    },
    {
      Sid: 'AsyncFailureDestination',
      Effect: 'Allow',
      // Lambda sends failed asynchronous invocations (EventBridge, SNS, schedule) with this role.
      Action: ['sqs:SendMessage'],
      Resource: { 'Fn::GetAtt': [ids.failedInvocations, 'Arn'] },
    },
  ];
  if (spec.consumesDataQueue) {
    statements.push({
      Sid: 'DataQueueEventSource',
      Effect: 'Allow',
      // What the SQS event source mapping needs (same as AWSLambdaSQSQueueExecutionRole, one queue).
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: { 'Fn::GetAtt': [ids.dataQueue, 'Arn'] },
    });
  }
  statements.push(
    ...(spec.kind
      ? rollback.statementsFor(spec.kind, policy)
      : controllerStatements(policy, {
          closesBatches: Boolean(spec.closesBatches),
          explainsFailures: Boolean(spec.explainsFailures),
        })),
    ...decisionStatements(policy),
  );
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: sub(`mlops-controller \${AWS::StackName} ${functionKey}: only what this function calls`),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      // Inline, so the permissions exist before the function, its event source mapping and its
      // EventInvokeConfig are created (Lambda checks the SQS and destination permissions then).
      Policies: [{ PolicyName: functionKey, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

/** Role resources keyed by logical id. */
async function roles(resolvers) {
  return controllerRoles(await stackPolicy(resolvers));
}

function controllerRoles(policy) {
  return Object.fromEntries(
    Object.entries(FUNCTIONS).map(([functionKey, spec]) => [spec.role, roleResource(functionKey, spec, policy)]),
  );
}

/**
 * Every function's role for `policy`, keyed by logical id, built by the same code `osls package`
 * runs: the tests evaluate each call against the roles a deploy of the test's own policy would get.
 */
function rolesFor(policy) {
  const gateRoles = Object.entries(gates.resources(policy)).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  return { ...controllerRoles(policy), ...Object.fromEntries(gateRoles) };
}

function readPattern(file) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'events', file), 'utf8'));
}

/**
 * S3 "Object Created" narrowed to the policy's buckets and, where every rule on a bucket has a
 * prefix, to those key prefixes: other traffic on a shared bucket never invokes the function.
 */
function dataArrivedPattern(policy) {
  const base = readPattern('s3-object-created.json');
  const prefixesByBucket = new Map();
  for (const rule of policy.retraining) {
    const prefixes = prefixesByBucket.get(rule.source.bucket) ?? [];
    prefixes.push(rule.source.prefix);
    prefixesByBucket.set(rule.source.bucket, prefixes);
  }
  if (prefixesByBucket.size === 0) return base;
  const clauses = [...prefixesByBucket].map(([bucket, prefixes]) =>
    prefixes.includes('')
      ? { bucket: { name: [bucket] } }
      : { bucket: { name: [bucket] }, object: { key: unique(prefixes).map((prefix) => ({ prefix })) } },
  );
  const detail = clauses.length === 1 ? clauses[0] : { $or: clauses };
  return { ...base, detail: { ...base.detail, ...detail } };
}

function patterns(policy) {
  const targets = (type) => unique(policy.retraining.filter((r) => r.target.type === type).map((r) => r.target.name));
  const codePipelines = targets('codepipeline');
  const sageMakerPipelines = targets('sagemaker');
  const codePipelineBase = readPattern('codepipeline-execution-finished.json');
  const sageMakerBase = readPattern('sagemaker-pipeline-execution-finished.json');
  const stateMachines = unique(
    policy.retraining
      .filter((r) => r.target.type === 'stepfunctions')
      .map((r) => r.target.stateMachineArn.split(':').slice(0, 7).join(':')),
  );
  const projects = targets('codebuild');
  const stepFunctionsBase = readPattern('stepfunctions-execution-finished.json');
  const codeBuildBase = readPattern('codebuild-build-finished.json');
  return {
    dataArrived: dataArrivedPattern(policy),
    // Without retraining rules the base pattern would match every bucket: keep the rule disabled.
    dataArrivedEnabled: policy.retraining.length > 0,
    // Only the pipelines the policy starts. With none of a kind, the rule keeps the base pattern
    // and is disabled (an empty list is not a valid pattern).
    codePipelineFinished:
      codePipelines.length === 0
        ? codePipelineBase
        : { ...codePipelineBase, detail: { ...codePipelineBase.detail, pipeline: codePipelines } },
    codePipelineFinishedEnabled: codePipelines.length > 0,
    // The event carries the ARN (lower-cased name); match its tail ignoring case.
    sageMakerFinished:
      sageMakerPipelines.length === 0
        ? sageMakerBase
        : {
            ...sageMakerBase,
            detail: {
              ...sageMakerBase.detail,
              pipelineArn: sageMakerPipelines.map((name) => ({
                suffix: { 'equals-ignore-case': `:pipeline/${name}` },
              })),
            },
          },
    sageMakerFinishedEnabled: sageMakerPipelines.length > 0,
    // The event names the state machine unqualified, whatever version or alias the rule starts.
    stepFunctionsFinished:
      stateMachines.length === 0
        ? stepFunctionsBase
        : { ...stepFunctionsBase, detail: { ...stepFunctionsBase.detail, stateMachineArn: stateMachines } },
    stepFunctionsFinishedEnabled: stateMachines.length > 0,
    codeBuildFinished:
      projects.length === 0
        ? codeBuildBase
        : { ...codeBuildBase, detail: { ...codeBuildBase.detail, 'project-name': projects } },
    codeBuildFinishedEnabled: projects.length > 0,
    ...rollback.patterns(policy, readPattern),
  };
}

/** Resources only the rollback functions need (alarm-action invoke permissions). */
async function rollbackResources(resolvers) {
  return rollback.resources(await stackPolicy(resolvers));
}

/** Buckets that may send S3 notifications to the data queue/topic (aws:SourceArn values). */
async function sourceBucketArns(resolvers) {
  const buckets = unique((await stackPolicy(resolvers)).retraining.map((rule) => rule.source.bucket));
  // A condition list cannot be empty. Bucket names cannot contain upper case or "_", so no bucket
  // anyone could create has this ARN.
  if (buckets.length === 0) return [sub('arn:${AWS::Partition}:s3:::NO_RETRAINING_RULES')];
  return buckets.map((bucket) => sub(`arn:\${AWS::Partition}:s3:::${bucket}`));
}

/**
 * Accounts that may own those buckets (aws:SourceAccount values): a bucket ARN carries no account,
 * and once a bucket is deleted anyone can create one of that name. The policy's accounts, whose
 * events are the only ones acted on anyway.
 */
async function sourceAccounts(resolvers) {
  return (await stackPolicy(resolvers)).controller.accounts;
}

const gates = require('./gates-iam.cjs');

module.exports = {
  roles,
  rolesFor,
  patterns: async (resolvers) => {
    const policy = await stackPolicy(resolvers);
    return { ...patterns(policy), ...gates.patterns(policy, readPattern) };
  },
  sourceBucketArns,
  sourceAccounts,
  controllerStatements,
  dataArrivedPattern,
  loadPolicy,
  policyFile,
  gateResources: async (resolvers) => gates.resources(await stackPolicy(resolvers)),
  rollbackResources,
};
