import { readFileSync } from 'node:fs';
import { parsePolicyText, type Policy } from '../../../functions/config/policy';
import {
  findingsOf,
  groupKey,
  needsOf,
  objectKey,
  type Found,
  type Lookup,
  type PipelineFacts,
} from '../../../functions/domain/resources';

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
    endpoints: map(needs.endpoints, () => present({ status: 'InService' })),
    modelPackageGroups: map(needs.modelPackageGroups, () => present({})),
    buckets: map(needs.buckets, () => present({ region: 'us-east-1' })),
    objects: map(
      needs.objects.map((o) => objectKey(o.bucket, o.key)),
      () => present({}),
    ),
    alarms: map(needs.alarmNames, () => present({ kind: 'MetricAlarm' as const })),
    alarmPrefixes: map(needs.alarmPrefixes, () => present({ count: 1 })),
    topics: map(needs.topics, () => present({})),
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
