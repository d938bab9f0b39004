import { readFileSync } from 'node:fs';
import { parsePolicyText, validatePolicy, type Policy } from '../../../functions/config/policy';
import {
  findingsOf,
  groupKey,
  needsOf,
  objectKey,
  type Found,
  type Lookup,
  type PipelineFacts,
} from '../../../functions/domain/resources';
import { metricKey } from '../../../functions/domain/resources-analysis';
import { latencyMetric, variantLatencyMetric } from '../../support/canary-moto';

const example = (): Policy => parsePolicyText(readFileSync('controller.yml', 'utf8'));
const present = <T>(facts: T): Lookup<T> => ({ state: 'present', facts });
const missing: Lookup<never> = { state: 'missing', detail: 'NotFound' };

const deployPipeline: PipelineFacts = {
  pipelineType: 'V2',
  variables: ['MODEL_PACKAGE_ARN'],
  stages: [
    { name: 'Source', actions: [{ name: 'Code', category: 'Source', provider: 'S3' }] },
    { name: 'Approval', actions: [{ name: 'QualityGate', category: 'Approval', provider: 'Manual' }] },
    { name: 'Deploy', actions: [{ name: 'Ship', category: 'Deploy', provider: 'CodeDeploy' }] },
    { name: 'Production', actions: [{ name: 'Ship', category: 'Deploy', provider: 'CodeDeploy' }] },
  ],
};

/** What AWS would answer for controller.yml when everything it names exists as it should. */
function allPresent(): Found {
  const p = example();
  const needs = needsOf(p);
  const map = <T>(keys: string[], value: (k: string) => Lookup<T>) => new Map(keys.map((k) => [k, value(k)]));
  return {
    codePipelines: map(needs.codePipelines, (n) =>
      present(n === 'churn-retrain' ? { pipelineType: 'V2', variables: ['MANIFEST_URI'], stages: [] } : deployPipeline),
    ),
    sageMakerPipelines: map(needs.sageMakerPipelines, () => present({ parameters: ['ManifestUri', 'InstanceType'] })),
    deploymentGroups: map(
      needs.deploymentGroups.map((d) => groupKey(d.application, d.group)),
      () => present({ computePlatform: 'Lambda' }),
    ),
    applications: map(needs.applications, () => present({ computePlatform: 'Lambda' })),
    endpoints: map(needs.endpoints, () =>
      present({ status: 'InService', variants: ['AllTraffic'], shadowVariants: [] }),
    ),
    modelPackageGroups: map(needs.modelPackageGroups, () => present({})),
    buckets: map(needs.buckets, () => present({ region: 'us-east-1' })),
    objects: map(
      needs.objects.map((o) => objectKey(o.bucket, o.key)),
      () => present({}),
    ),
    alarms: map(needs.alarmNames, () => present({ kind: 'MetricAlarm' as const })),
    alarmPrefixes: map(needs.alarmPrefixes, () => present({ count: 1 })),
    topics: map(needs.topics, () => present({})),
    stateMachines: map(needs.stateMachines, () => present({})),
    codeBuildProjects: map(needs.codeBuildProjects, () => present({})),
    eventBuses: map(needs.eventBuses, () => present({})),
    metrics: map(needs.metrics.map(metricKey), () => present({ count: 1 })),
  };
}

describe('needsOf: every named resource once', () => {
  it('controller.yml', () => {
    expect(needsOf(example())).toEqual({
      // churn-deploy is named by an approval, a freeze and a stage retry: looked up once.
      codePipelines: ['churn-retrain', 'churn-deploy', 'ranking-deploy'],
      sageMakerPipelines: ['ranking-training'],
      deploymentGroups: [{ application: 'churn-app', group: 'churn-live' }],
      applications: [],
      endpoints: ['ranking-live', 'churn-live-endpoint'],
      modelPackageGroups: ['churn-models', 'ranking-models'],
      buckets: ['acme-ml-artifacts', 'acme-ml-data'],
      objects: [{ bucket: 'acme-ml-artifacts', key: 'smoke/churn-request.json' }],
      alarmNames: ['churn-model-errors', 'churn-feature-drift'],
      alarmPrefixes: ['churn-latency-'],
      topics: ['arn:aws:sns:us-east-1:123456789012:ml-approvals'],
      stateMachines: [],
      codeBuildProjects: [],
      eventBuses: [],
      metrics: [],
    });
  });
});

describe('findingsOf: what AWS answered against what the policy needs', () => {
  it('everything present and of the right kind: nothing to say', () => {
    expect(findingsOf(example(), allPresent(), 'us-east-1')).toEqual({ errors: [], warnings: [], unchecked: [] });
  });

  const cases: Array<[string, (f: Found) => void, Partial<Record<'errors' | 'warnings' | 'unchecked', string[]>>]> = [
    [
      'a missing pipeline, at every path naming it',
      (f) => f.codePipelines.set('churn-deploy', missing),
      {
        errors: [
          'gates[0].approvals[0].pipeline: no CodePipeline pipeline churn-deploy in us-east-1 (NotFound): create it, or write the name of one that exists',
          'rollback[0].freeze.pipeline: no CodePipeline pipeline churn-deploy in us-east-1 (NotFound): create it, or write the name of one that exists',
          'stageRetry[0].pipeline: no CodePipeline pipeline churn-deploy in us-east-1 (NotFound): create it, or write the name of one that exists',
        ],
      },
    ],
    [
      'an unreadable resource is unchecked, neither pass nor failure',
      (f) => f.endpoints.set('ranking-live', { state: 'unchecked', detail: 'AccessDeniedException (HTTP 400): no' }),
      {
        unchecked: ['rollback[1].endpoint.name: SageMaker endpoint ranking-live: AccessDeniedException (HTTP 400): no'],
      },
    ],
    [
      'a V1 pipeline as a retraining target',
      (f) => f.codePipelines.set('churn-retrain', present({ variables: ['MANIFEST_URI'], stages: [] })),
      {
        errors: [
          "retraining[0].target.name: churn-retrain is a V1 pipeline: StartPipelineExecution takes variables (the manifest's URI) only on V2 pipelines; change it to V2 (pipelineType: V2)",
        ],
      },
    ],
    [
      'the manifest variable undeclared',
      (f) => f.codePipelines.set('churn-retrain', present({ pipelineType: 'V2', variables: ['OTHER'], stages: [] })),
      {
        errors: [
          "retraining[0].target.manifestVariable: pipeline churn-retrain declares no variable MANIFEST_URI (it declares OTHER): add MANIFEST_URI to the pipeline's variables, or write manifestVariable: <a declared variable>",
        ],
      },
    ],
    [
      'a SageMaker parameter the definition lacks',
      (f) => f.sageMakerPipelines.set('ranking-training', present({ parameters: ['ManifestUri'] })),
      {
        errors: [
          'retraining[1].target.parameters.InstanceType: SageMaker pipeline ranking-training defines no parameter InstanceType (it defines ManifestUri): SageMaker refuses a start naming an undefined parameter; add it to the pipeline definition, or write parameters: <a defined parameter>',
        ],
      },
    ],
    [
      'a definition that could not be read says nothing about parameters',
      (f) => f.sageMakerPipelines.set('ranking-training', present({})),
      {},
    ],
    [
      'the approval action is a Deploy action',
      (f) =>
        f.codePipelines.set(
          'churn-deploy',
          present({
            ...deployPipeline,
            stages: deployPipeline.stages.map((s) =>
              s.name === 'Approval'
                ? { name: 'Approval', actions: [{ name: 'QualityGate', category: 'Deploy', provider: 'CodeDeploy' }] }
                : s,
            ),
          }),
        ),
      {
        errors: [
          'gates[0].approvals[0].action: QualityGate is a deploy action (CodeDeploy), not a manual approval: PutApprovalResult answers Approval actions only; the stage has no approval action',
        ],
      },
    ],
    [
      'the approval action is not in the stage',
      (f) =>
        f.codePipelines.set(
          'churn-deploy',
          present({
            ...deployPipeline,
            stages: deployPipeline.stages.map((s) =>
              s.name === 'Approval' ? { name: 'Approval', actions: [{ name: 'Manual', category: 'Approval' }] } : s,
            ),
          }),
        ),
      {
        errors: [
          'gates[0].approvals[0].action: stage churn-deploy/Approval has no action QualityGate (its actions: Manual); name its approval action (Manual)',
        ],
      },
    ],
    [
      'a freeze stage the pipeline lacks',
      (f) =>
        f.codePipelines.set(
          'ranking-deploy',
          present({ ...deployPipeline, stages: deployPipeline.stages.slice(0, 3) }),
        ),
      {
        errors: [
          'rollback[1].freeze.stage: pipeline ranking-deploy has no stage Production (its stages: Source, Approval, Deploy)',
        ],
      },
    ],
    [
      'a hook on an EC2/on-premises group',
      (f) => f.deploymentGroups.set(groupKey('churn-app', 'churn-live'), present({ computePlatform: 'Server' })),
      {
        errors: [
          'hooks[0].deploymentGroup: churn-app/churn-live deploys to EC2/on-premises (Server): its lifecycle hooks are scripts the agent runs on the instances, never a Lambda function, so this check would never run; bind a Lambda or ECS deployment group',
        ],
      },
    ],
    [
      'an ECS group under a hook is fine',
      (f) => f.deploymentGroups.set(groupKey('churn-app', 'churn-live'), present({ computePlatform: 'ECS' })),
      {},
    ],
    [
      'a data bucket in another region',
      (f) => f.buckets.set('acme-ml-data', present({ region: 'eu-west-1' })),
      {
        errors: [
          "retraining[0].source.bucket: bucket acme-ml-data is in eu-west-1, the stack in us-east-1: S3 sends a bucket's events to EventBridge in the bucket's own region, so the stack would never see them; deploy the stack in eu-west-1 (--region eu-west-1) or use a bucket in us-east-1",
          "retraining[1].source.bucket: bucket acme-ml-data is in eu-west-1, the stack in us-east-1: S3 sends a bucket's events to EventBridge in the bucket's own region, so the stack would never see them; deploy the stack in eu-west-1 (--region eu-west-1) or use a bucket in us-east-1",
        ],
      },
    ],
    [
      'the manifests bucket in another region',
      (f) => f.buckets.set('acme-ml-artifacts', present({ region: 'eu-west-1' })),
      {
        errors: [
          "controller.manifests.bucket: bucket acme-ml-artifacts is in eu-west-1, the stack in us-east-1: the stack's S3 client reaches buckets of its own region; use a bucket in us-east-1",
          "gates[0].reportBuckets[0]: bucket acme-ml-artifacts is in eu-west-1, the stack in us-east-1: the stack's S3 client reaches buckets of its own region; use a bucket in us-east-1",
        ],
      },
    ],
    [
      'a missing alarm, named by a binding and a hook',
      (f) =>
        f.alarms.set('churn-model-errors', { state: 'missing', detail: 'DescribeAlarms lists no alarm of that name' }),
      {
        errors: [
          'rollback[0].alarms.names[0]: no alarm churn-model-errors in us-east-1 (DescribeAlarms lists no alarm of that name): create it, or write the name of one that exists',
          'hooks[0].alarms[0]: no alarm churn-model-errors in us-east-1 (DescribeAlarms lists no alarm of that name): create it, or write the name of one that exists',
        ],
      },
    ],
    [
      'a prefix no alarm has',
      (f) => f.alarmPrefixes.set('churn-latency-', present({ count: 0 })),
      {
        warnings: [
          "rollback[0].alarms.prefixes[0]: no alarm's name starts with churn-latency- yet, so the binding acts on none",
        ],
      },
    ],
    [
      'the smoke payload missing',
      (f) => f.objects.set(objectKey('acme-ml-artifacts', 'smoke/churn-request.json'), missing),
      {
        errors: [
          'hooks[0].smoke.payload: no object s3://acme-ml-artifacts/smoke/churn-request.json in us-east-1 (NotFound): create it, or write the name of one that exists',
        ],
      },
    ],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    const found = allPresent();
    change(found);
    expect(findingsOf(example(), found, 'us-east-1')).toEqual({ errors: [], warnings: [], unchecked: [], ...expected });
  });
});

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:train-churn';
const lambdaMetric = { ...latencyMetric, namespace: 'AWS/Lambda' };
const endpointMetric = variantLatencyMetric;

/** Step Functions and CodeBuild targets, a decision bus, a Lambda canary and an endpoint A/B. */
const targetsPolicy = (over: (p: any) => void = () => {}): Policy => {
  const doc: any = {
    version: 1,
    controller: {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      manifests: { bucket: 'ml-artifacts' },
      decisions: { eventBus: 'ml-decisions' },
    },
    retraining: [
      {
        name: 'sfn',
        source: { bucket: 'ml-data', prefix: 'a/' },
        target: { type: 'stepfunctions', stateMachineArn: SM },
        trigger: { marker: '_SUCCESS' },
      },
      {
        name: 'build',
        source: { bucket: 'ml-data', prefix: 'b/' },
        target: { type: 'codebuild', name: 'train-churn' },
        trigger: { marker: '_SUCCESS' },
      },
    ],
    rollback: [
      {
        name: 'scorer',
        alarms: { names: ['scorer-errors'] },
        codedeploy: { application: 'scorer', deploymentGroup: 'live' },
      },
      { name: 'churn', alarms: { names: ['churn-latency'] }, endpoint: { name: 'churn' } },
    ],
    analysis: [
      {
        name: 'scorer-canary',
        target: { codedeploy: { application: 'scorer', deploymentGroup: 'live' } },
        metrics: [lambdaMetric],
      },
      {
        name: 'churn-ab',
        target: { endpoint: { name: 'churn', canaryVariant: 'v2', baselineVariant: 'v1' } },
        metrics: [endpointMetric],
      },
    ],
  };
  over(doc);
  return validatePolicy(doc);
};

const lambdaSeries = {
  namespace: 'AWS/Lambda',
  metricName: 'Duration',
  dimensions: [{ name: 'ExecutedVersion' }, { name: 'FunctionName' }, { name: 'Resource' }],
};
const variantSeries = (variant: string) => ({
  namespace: 'AWS/SageMaker',
  metricName: 'ModelLatency',
  dimensions: [
    { name: 'EndpointName', value: 'churn' },
    { name: 'VariantName', value: variant },
  ],
});

function targetsPresent(policy: Policy): Found {
  const needs = needsOf(policy);
  const map = <T>(keys: string[], value: (k: string) => Lookup<T>) => new Map(keys.map((k) => [k, value(k)]));
  return {
    codePipelines: new Map(),
    sageMakerPipelines: new Map(),
    deploymentGroups: map(
      needs.deploymentGroups.map((d) => groupKey(d.application, d.group)),
      () => present({ computePlatform: 'Lambda' }),
    ),
    applications: new Map(),
    endpoints: map(needs.endpoints, () => present({ status: 'InService', variants: ['v1', 'v2'], shadowVariants: [] })),
    modelPackageGroups: new Map(),
    buckets: map(needs.buckets, () => present({ region: 'us-east-1' })),
    objects: new Map(),
    alarms: map(needs.alarmNames, () => present({ kind: 'MetricAlarm' as const })),
    alarmPrefixes: new Map(),
    topics: new Map(),
    stateMachines: map(needs.stateMachines, () => present({})),
    codeBuildProjects: map(needs.codeBuildProjects, () => present({})),
    eventBuses: map(needs.eventBuses, () => present({})),
    metrics: map(needs.metrics.map(metricKey), () => present({ count: 3 })),
  };
}

describe('validate --aws: Step Functions, CodeBuild, the decision bus and canary analysis', () => {
  it('needs each once: the analysed group and endpoint with the bindings, one ListMetrics filter per distinct series', () => {
    const needs = needsOf(targetsPolicy());
    expect(needs).toMatchObject({
      stateMachines: [SM],
      codeBuildProjects: ['train-churn'],
      eventBuses: ['ml-decisions'],
      deploymentGroups: [{ application: 'scorer', group: 'live' }],
      endpoints: ['churn'],
      // The Lambda canary's and baseline's versions are a deployment's: filtered by name, so one filter.
      metrics: [lambdaSeries, variantSeries('v2'), variantSeries('v1')],
    });
  });

  it('a series with more than 10 dimensions is filtered on 10, the fixed ones kept first', () => {
    const dimensions = Object.fromEntries(
      Array.from({ length: 12 }, (_, k) => [`D${k}`, k < 6 ? '{function}' : `v${k}`]),
    );
    const [q] = needsOf(
      targetsPolicy((p) => {
        p.analysis = [
          {
            ...p.analysis[0],
            metrics: [
              { ...lambdaMetric, dimensions, canary: { ExecutedVersion: '1' }, baseline: { ExecutedVersion: '2' } },
            ],
          },
        ];
      }),
    ).metrics;
    expect(q!.dimensions).toHaveLength(10);
    expect(q!.dimensions.filter((d) => d.value !== undefined).map((d) => d.name)).toEqual([
      'D10',
      'D11',
      'D6',
      'D7',
      'D8',
      'D9',
      'ExecutedVersion',
    ]);
  });

  it('everything present, of the right kind, with data: nothing to say', () => {
    const policy = targetsPolicy();
    expect(findingsOf(policy, targetsPresent(policy), 'us-east-1')).toEqual({
      errors: [],
      warnings: [],
      unchecked: [],
    });
  });

  const cases: Array<[string, (f: Found) => void, Partial<Record<'errors' | 'warnings' | 'unchecked', string[]>>]> = [
    [
      'a missing state machine, with the name meant among those listed',
      (f) =>
        f.stateMachines.set(SM, {
          state: 'missing',
          detail: 'StateMachineDoesNotExist',
          among: [`${SM}-v2`.replace('train-churn-v2', 'train-churns'), SM.replace('train-churn', 'score')],
        }),
      {
        errors: [
          `retraining[0].target.stateMachineArn: no Step Functions state machine ${SM} in us-east-1 (StateMachineDoesNotExist): did you mean ${SM}s? write stateMachineArn: ${SM}s, or create it`,
        ],
      },
    ],
    [
      'a missing CodeBuild project none listed is close to',
      (f) =>
        f.codeBuildProjects.set('train-churn', {
          state: 'missing',
          detail: 'BatchGetProjects: projectsNotFound',
          among: ['nightly-etl'],
        }),
      {
        errors: [
          'retraining[1].target.name: no CodeBuild project train-churn in us-east-1 (BatchGetProjects: projectsNotFound): create it, or write the name of one that exists',
        ],
      },
    ],
    [
      'a missing CodeBuild project spelt with "_" for "-"',
      (f) =>
        f.codeBuildProjects.set('train-churn', {
          state: 'missing',
          detail: 'BatchGetProjects: projectsNotFound',
          among: ['nightly-etl', 'train_churn'],
        }),
      {
        errors: [
          'retraining[1].target.name: no CodeBuild project train-churn in us-east-1 (BatchGetProjects: projectsNotFound): did you mean train_churn? write name: train_churn, or create it',
        ],
      },
    ],
    [
      'a missing decision bus',
      (f) =>
        f.eventBuses.set('ml-decisions', {
          state: 'missing',
          detail: 'ResourceNotFoundException: Event bus ml-decisions does not exist.',
          among: ['default', 'ml-decision'],
        }),
      {
        errors: [
          'controller.decisions.eventBus: no EventBridge event bus ml-decisions in us-east-1 (ResourceNotFoundException: Event bus ml-decisions does not exist.): did you mean ml-decision? write eventBus: ml-decision, or create it',
        ],
      },
    ],
    [
      "an analysed group's application missing: the applications listed, at the binding's path and the analysis's",
      (f) =>
        f.deploymentGroups.set(groupKey('scorer', 'live'), {
          state: 'missing',
          detail: 'ApplicationDoesNotExistException',
          among: ['scorers', 'fraud'],
          part: 'application',
        }),
      {
        errors: [
          'rollback[0].codedeploy: no CodeDeploy deployment group scorer/live in us-east-1 (ApplicationDoesNotExistException): did you mean scorers? write application: scorers, or create it',
          'analysis[0].target.codedeploy: no CodeDeploy deployment group scorer/live in us-east-1 (ApplicationDoesNotExistException): did you mean scorers? write application: scorers, or create it',
        ],
      },
    ],
    [
      'an analysed group of ECS',
      (f) => f.deploymentGroups.set(groupKey('scorer', 'live'), present({ computePlatform: 'ECS' })),
      {
        errors: [
          "analysis[0].target.codedeploy: scorer/live deploys to ECS: the judgment compares a Lambda deployment's versions (its AppSpec's CurrentVersion and TargetVersion), and no ECS deployment names its canary's series; name a Lambda deployment group, or judge this model on its endpoint",
        ],
      },
    ],
    [
      'the baseline variant not served',
      (f) => f.endpoints.set('churn', present({ status: 'InService', variants: ['v-1', 'v2'], shadowVariants: [] })),
      {
        errors: [
          'analysis[1].target.endpoint.baselineVariant: endpoint churn serves no production variant v1 (its variants: v-1, v2): the baseline is the variant serving now, so nothing would be compared; did you mean v-1? write baselineVariant: v-1',
        ],
      },
    ],
    [
      'the canary variant is a shadow variant, the policy says production',
      (f) => f.endpoints.set('churn', present({ status: 'InService', variants: ['v1'], shadowVariants: ['v2'] })),
      {
        warnings: [
          'analysis[1].target.endpoint.canaryVariant: v2 is a shadow variant of endpoint churn, the policy says production: write canaryKind: shadow',
        ],
      },
    ],
    [
      'the canary variant not deployed yet',
      (f) => f.endpoints.set('churn', present({ status: 'InService', variants: ['v1'], shadowVariants: [] })),
      {
        warnings: [
          'analysis[1].target.endpoint.canaryVariant: endpoint churn serves no production variant v2 yet (its variants: v1): every judgment is NODATA until an endpoint config with it is InService',
        ],
      },
    ],
    [
      'the canary variant spelt otherwise: the one meant, never the baseline',
      (f) => f.endpoints.set('churn', present({ status: 'InService', variants: ['v1', 'V2'], shadowVariants: [] })),
      {
        warnings: [
          'analysis[1].target.endpoint.canaryVariant: endpoint churn serves no production variant v2 yet (its variants: v1, V2): every judgment is NODATA until an endpoint config with it is InService; did you mean V2? write canaryVariant: V2',
        ],
      },
    ],
    [
      'an endpoint still being created lists no variants: nothing said about them',
      (f) => f.endpoints.set('churn', present({ status: 'Creating', variants: [], shadowVariants: [] })),
      {},
    ],
    [
      'no Lambda Duration published yet: one warning for both series',
      (f) => f.metrics.set(metricKey(lambdaSeries), present({ count: 0 })),
      {
        warnings: [
          'analysis[0].metrics[0]: CloudWatch lists no AWS/Lambda Duration with ExecutedVersion=*, FunctionName=*, Resource=* (ListMetrics: none published in the last two weeks): neither series has data yet, so the metric is NODATA until it is published; if it should be, check namespace, metricName and dimensions',
        ],
      },
    ],
    [
      "no data for the canary variant's series",
      (f) => f.metrics.set(metricKey(variantSeries('v2')), present({ count: 0 })),
      {
        warnings: [
          'analysis[1].metrics[0]: CloudWatch lists no AWS/SageMaker ModelLatency with EndpointName=churn, VariantName=v2 (ListMetrics: none published in the last two weeks): the canary series has no data yet, so the metric is NODATA until it is published; if it should be, check namespace, metricName and dimensions and canary',
        ],
      },
    ],
    [
      'ListMetrics refused: unchecked',
      (f) =>
        f.metrics.set(metricKey(variantSeries('v1')), { state: 'unchecked', detail: 'AccessDenied (HTTP 403): no' }),
      {
        unchecked: [
          'analysis[1].metrics[0]: metric AWS/SageMaker ModelLatency with EndpointName=churn, VariantName=v1: AccessDenied (HTTP 403): no',
        ],
      },
    ],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    const policy = targetsPolicy();
    const found = targetsPresent(policy);
    change(found);
    expect(findingsOf(policy, found, 'us-east-1')).toEqual({ errors: [], warnings: [], unchecked: [], ...expected });
  });
});
