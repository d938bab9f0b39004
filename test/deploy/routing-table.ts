/**
 * Every real EventBridge payload (../shared/fixtures/aws-events and events/samples) and the rules
 * of the deployed stack it must reach. As published, AWS's examples name AWS's example resources
 * (myPipeline, DOC-EXAMPLE-BUCKET1, MyEndpoint), which this policy (controller.yml) does not
 * watch: they must reach no rule, except alarm state changes, which one rule takes whole (the
 * handler decides which alarms are bound). The `bound` cases change only the fields that name a
 * resource (or the one state a case is about) to the policy's, so each rule is shown matching a
 * real payload and refusing its near misses.
 */
type Payload = Record<string, any>;

export interface RouteCase {
  /** Fixture file name (in aws-events, or `samples/<name>` for events/samples). */
  file: string;
  /** What was changed, in words; absent when the payload is sent as published. */
  change?: string;
  edit?: (e: Payload) => void;
  /** Rule names without the `mlops-controller-<stage>-` prefix. */
  expected: string[];
}

/** The payloads in the fixture folders that are not EventBridge events (no rule can see them). */
export const NOT_EVENTBRIDGE = [
  'codedeploy-lifecycle-hook.lambda.powertools.json', // CodeDeploy invokes the hook directly
  'codepipeline-manual-approval.sns-message.json', // an SNS message body
  's3-object-created-put.notification.json', // S3 notification (Lambda, SQS or SNS destination)
  's3-object-created-put.via-sqs.powertools.json', // the same inside an SQS event
  'sns-envelope.json', // events/samples: an SNS delivery envelope
];

/** As published: which deployed rules each real payload reaches. */
const AS_PUBLISHED: Record<string, string[]> = {
  'cloudwatch-alarm-state-change.composite-with-suppressor.json': ['alarm-state-change'],
  'cloudwatch-alarm-state-change.metric-math.json': ['alarm-state-change'],
  'cloudwatch-alarm-state-change.single-metric.json': ['alarm-state-change'],
  // This stack's policy names no state machine or project, so both end-event rules are deployed
  // with State DISABLED and a pattern without resource names. Real EventBridge delivers nothing to a
  // disabled rule; moto 5.2.1 delivers to it anyway, and these two rows record moto's delivery.
  'codebuild-build-state-change.succeeded.docs-repaired.json': ['codebuild-finished'],
  'codedeploy-deployment-state-change.success.aws-lambda-go.json': [],
  'codepipeline-action-execution-state-change.abandoned.json': [],
  'codepipeline-action-execution-state-change.failed-codedeploy.json': [],
  'codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json': [],
  'codepipeline-action-execution-state-change.succeeded-source.json': [],
  'codepipeline-pipeline-execution-state-change.failed.json': [],
  'codepipeline-pipeline-execution-state-change.started.json': [],
  'codepipeline-pipeline-execution-state-change.stopping.json': [],
  'codepipeline-pipeline-execution-state-change.succeeded.json': [],
  'codepipeline-stage-execution-state-change.started.docs-repaired.json': [],
  'codepipeline-stage-execution-state-change.stopped.json': [],
  'codepipeline-stage-execution-state-change.stopping.json': [],
  's3-object-created.eventbridge.json': [],
  'sagemaker-endpoint-deployment-state-change.canary-baking.docs-repaired.json': [],
  'sagemaker-endpoint-deployment-state-change.capacity-update.docs-repaired.json': [],
  'sagemaker-endpoint-state-change.json': [],
  'sagemaker-model-package-state-change.json': [],
  'sagemaker-pipeline-execution-status-change.json': [],
  'stepfunctions-execution-status-change.failed.json': ['stepfunctions-finished'],
};

export function asPublished(files: string[]): RouteCase[] {
  return files.map((file) => {
    const base = file.replace(/^samples\//, '');
    const expected = AS_PUBLISHED[base];
    if (!expected) throw new Error(`${file}: a new EventBridge payload; add it to the routing table`);
    return { file, expected };
  });
}

const s3 = 's3-object-created.eventbridge.json';
const pipelineRun = (state: string) => `codepipeline-pipeline-execution-state-change.${state}.json`;
const approvalType = { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' };

export const BOUND: RouteCase[] = [
  {
    file: s3,
    change: 'bucket acme-ml-data, key under churn/daily/',
    edit: (e) => (
      (e.detail.bucket.name = 'acme-ml-data'),
      (e.detail.object.key = 'churn/daily/2026-12-03/part-00000.csv')
    ),
    expected: ['data-arrived'],
  },
  {
    file: s3,
    change: 'bucket acme-ml-data, key under ranking/events/',
    edit: (e) => (
      (e.detail.bucket.name = 'acme-ml-data'),
      (e.detail.object.key = 'ranking/events/2026/12/03/clicks-0001.jsonl')
    ),
    expected: ['data-arrived'],
  },
  {
    file: s3,
    change: 'bucket acme-ml-data, key outside every rule prefix',
    edit: (e) => ((e.detail.bucket.name = 'acme-ml-data'), (e.detail.object.key = 'churn/weekly/part-00000.csv')),
    expected: [],
  },
  {
    file: s3,
    change: 'a rule prefix in a bucket the policy does not name',
    edit: (e) => ((e.detail.bucket.name = 'acme-ml-scratch'), (e.detail.object.key = 'churn/daily/part-00000.csv')),
    expected: [],
  },
  ...['succeeded', 'failed'].map((state) => ({
    file: pipelineRun(state),
    change: 'pipeline churn-retrain (a retraining target)',
    edit: (e: Payload) => (e.detail.pipeline = 'churn-retrain'),
    expected: ['codepipeline-finished'],
  })),
  {
    // Defect 4 (landed): CodePipeline spells the state CANCELED (the user guide's state list).
    file: pipelineRun('succeeded'),
    change: 'pipeline churn-retrain, state CANCELED',
    edit: (e) => ((e.detail.pipeline = 'churn-retrain'), (e.detail.state = 'CANCELED')),
    expected: ['codepipeline-finished'],
  },
  ...['started', 'stopping'].map((state) => ({
    file: pipelineRun(state),
    change: 'pipeline churn-retrain, not finished',
    edit: (e: Payload) => (e.detail.pipeline = 'churn-retrain'),
    expected: [],
  })),
  {
    file: pipelineRun('succeeded'),
    change: 'pipeline churn-deploy (not a retraining target)',
    edit: (e) => (e.detail.pipeline = 'churn-deploy'),
    expected: [],
  },
  {
    file: 'codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json',
    change: 'the churn-deploy Approval/QualityGate manual approval STARTED',
    edit: (e) => {
      e.detail.pipeline = 'churn-deploy';
      e.detail.stage = 'Approval';
      e.detail.action = 'QualityGate';
      e.detail.type = approvalType;
    },
    expected: ['approval-gate'],
  },
  {
    file: 'codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json',
    change: 'pipeline churn-deploy, a Deploy action STARTED',
    edit: (e) => (e.detail.pipeline = 'churn-deploy'),
    expected: [],
  },
  {
    file: 'codepipeline-action-execution-state-change.failed-codedeploy.json',
    change: 'pipeline churn-deploy, the approval answered (rejected shows as FAILED)',
    edit: (e) => ((e.detail.pipeline = 'churn-deploy'), (e.detail.type = approvalType)),
    expected: [],
  },
  {
    file: 'codepipeline-stage-execution-state-change.stopped.json',
    change: 'pipeline churn-deploy, stage Deploy FAILED',
    edit: (e) => ((e.detail.pipeline = 'churn-deploy'), (e.detail.state = 'FAILED')),
    expected: ['stage-failed'],
  },
  {
    file: 'codepipeline-stage-execution-state-change.stopped.json',
    change: 'pipeline churn-deploy, stage Deploy STOPPED',
    edit: (e) => (e.detail.pipeline = 'churn-deploy'),
    expected: [],
  },
  {
    file: 'codepipeline-stage-execution-state-change.started.docs-repaired.json',
    change: 'pipeline churn-deploy, stage Prod FAILED (not a retryable stage)',
    edit: (e) => ((e.detail.pipeline = 'churn-deploy'), (e.detail.state = 'FAILED')),
    expected: [],
  },
  {
    file: 'sagemaker-pipeline-execution-status-change.json',
    change: 'pipelineArn of ranking-training',
    edit: (e) => (e.detail.pipelineArn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/ranking-training'),
    expected: ['sagemaker-finished'],
  },
  {
    file: 'sagemaker-pipeline-execution-status-change.json',
    change: 'pipelineArn of ranking-training, status Executing',
    edit: (e) => (
      (e.detail.pipelineArn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/ranking-training'),
      (e.detail.currentPipelineExecutionStatus = 'Executing')
    ),
    expected: [],
  },
  {
    file: 'sagemaker-model-package-state-change.json',
    change: 'group churn-models, PendingManualApproval',
    edit: (e) => (
      (e.detail.ModelPackageGroupName = 'churn-models'),
      (e.detail.ModelApprovalStatus = 'PendingManualApproval')
    ),
    expected: ['registry-gate'],
  },
  {
    file: 'sagemaker-model-package-state-change.json',
    change: 'group churn-models, Rejected as published',
    edit: (e) => (e.detail.ModelPackageGroupName = 'churn-models'),
    expected: [],
  },
  {
    file: 'sagemaker-endpoint-state-change.json',
    change: 'endpoint ranking-live (IN_SERVICE as published)',
    edit: (e) => (e.detail.EndpointName = 'ranking-live'),
    expected: ['endpoint-state-change'],
  },
  {
    file: 'sagemaker-endpoint-deployment-state-change.canary-baking.docs-repaired.json',
    change: 'endpoint ranking-live, UPDATING as published',
    edit: (e) => (e.detail.EndpointName = 'ranking-live'),
    expected: [],
  },
];
