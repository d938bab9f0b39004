import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { validatePolicy } from '../../../functions/config/policy';
import { nameFromArn, nameProblem, prefixProblem } from '../../../functions/config/policy-names';
import { PolicyError } from '../../../functions/domain/errors';

const example = (): any => parseYaml(readFileSync('controller.yml', 'utf8'));

function problems(mutate: (p: any) => void): string[] {
  const p = example();
  mutate(p);
  try {
    validatePolicy(p);
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}

describe('nameFromArn: the name a name field takes, from the ARN pasted into it', () => {
  it.each([
    ['arn:aws:codepipeline:us-east-1:123456789012:churn-retrain', 'last', 'churn-retrain'],
    ['arn:aws:sagemaker:us-east-1:123456789012:pipeline/ranking-training', 'last', 'ranking-training'],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models', 'last', 'churn-models'],
    ['arn:aws:sagemaker:us-east-1:123456789012:endpoint/ranking-live', 'last', 'ranking-live'],
    ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:churn-errors', 'last', 'churn-errors'],
    ['arn:aws:s3:::acme-ml-data', 'last', 'acme-ml-data'],
    ['arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:churn-app/churn-live', 'last', 'churn-live'],
    ['arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:churn-app/churn-live', 'first', 'churn-app'],
    ['arn:aws:codedeploy:us-east-1:123456789012:application:churn-app', 'first', 'churn-app'],
    ['arn:aws:sagemaker:x', 'last', ''],
  ] as const)('%s (%s) → %s', (arn, part, name) => {
    expect(nameFromArn(arn, part)).toBe(name);
  });
});

describe('nameProblem and prefixProblem: what was written, and what to write', () => {
  it.each([
    ['bucket', 'acme-ml-data', undefined],
    ['bucket', 's3://acme-ml-data', "s3://acme-ml-data is an S3 URI: write the bucket's name alone (acme-ml-data)"],
    [
      'bucket',
      's3://acme-ml-data/churn/daily/',
      "s3://acme-ml-data/churn/daily/ is an S3 URI: write the bucket's name alone (acme-ml-data) and the rest as the prefix (prefix: churn/daily/)",
    ],
    ['bucket', 'S3://acme-ml-data', "S3://acme-ml-data is an S3 URI: write the bucket's name alone (acme-ml-data)"],
    [
      'bucket',
      'arn:aws:s3:::acme-ml-data',
      "arn:aws:s3:::acme-ml-data is an ARN: write the bucket's name alone (acme-ml-data)",
    ],
    ['pipeline', 'arn:aws:sagemaker:x', "arn:aws:sagemaker:x is an ARN: write the pipeline's name alone"],
  ] as const)('%s %s', (what, value, message) => {
    expect(nameProblem(what, value)).toBe(message);
  });

  it.each([
    ['churn/daily/', undefined],
    ['', undefined],
    [
      '/churn/daily/',
      'starts with "/", but S3 keys in events do not, so nothing would match: write prefix: churn/daily/',
    ],
    ['//x/', 'starts with "/", but S3 keys in events do not, so nothing would match: write prefix: x/'],
    [
      's3://acme-ml-data/churn/',
      's3://acme-ml-data/churn/ is an S3 URI: write the bucket as bucket (acme-ml-data) and the key prefix alone (prefix: churn/)',
    ],
  ])('prefix %j', (value, message) => {
    expect(prefixProblem(value)).toBe(message);
  });
});

describe('the policy refuses an ARN where a name goes and a name where an ARN goes, at the path', () => {
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:123456789012:${resource}`;
  it.each([
    [
      'retraining[0].source.bucket',
      (p: any) => (p.retraining[0].source.bucket = 'arn:aws:s3:::acme-ml-data'),
      'acme-ml-data',
    ],
    [
      'retraining[0].target.name',
      (p: any) => (p.retraining[0].target.name = arn('codepipeline', 'churn-retrain')),
      'churn-retrain',
    ],
    [
      'retraining[1].target.name',
      (p: any) => (p.retraining[1].target.name = arn('sagemaker', 'pipeline/ranking-training')),
      'ranking-training',
    ],
    [
      'controller.manifests.bucket',
      (p: any) => (p.controller.manifests.bucket = 's3://acme-ml-artifacts'),
      'acme-ml-artifacts',
    ],
    [
      'gates[0].modelPackageGroup',
      (p: any) => (p.gates[0].modelPackageGroup = arn('sagemaker', 'model-package-group/churn-models')),
      'churn-models',
    ],
    [
      'gates[0].reportBuckets[0]',
      (p: any) => (p.gates[0].reportBuckets = ['s3://acme-ml-artifacts/reports/']),
      'acme-ml-artifacts',
    ],
    [
      'gates[0].approvals[0].pipeline',
      (p: any) => (p.gates[0].approvals[0].pipeline = arn('codepipeline', 'churn-deploy')),
      'churn-deploy',
    ],
    [
      'rollback[0].alarms.names[0]',
      (p: any) => (p.rollback[0].alarms.names = [arn('cloudwatch', 'alarm:churn-model-errors')]),
      'churn-model-errors',
    ],
    [
      'rollback[0].codedeploy.application',
      (p: any) => (p.rollback[0].codedeploy.application = arn('codedeploy', 'application:churn-app')),
      'churn-app',
    ],
    [
      'rollback[0].codedeploy.deploymentGroup',
      (p: any) =>
        (p.rollback[0].codedeploy.deploymentGroup = arn('codedeploy', 'deploymentgroup:churn-app/churn-live')),
      'churn-live',
    ],
    [
      'rollback[1].endpoint.name',
      (p: any) => (p.rollback[1].endpoint.name = arn('sagemaker', 'endpoint/ranking-live')),
      'ranking-live',
    ],
    [
      'rollback[0].freeze.pipeline',
      (p: any) => (p.rollback[0].freeze.pipeline = arn('codepipeline', 'churn-deploy')),
      'churn-deploy',
    ],
    [
      'hooks[0].application',
      (p: any) => (p.hooks[0].application = arn('codedeploy', 'application:churn-app')),
      'churn-app',
    ],
    [
      'hooks[0].alarms[0]',
      (p: any) => (p.hooks[0].alarms = [arn('cloudwatch', 'alarm:churn-model-errors')]),
      'churn-model-errors',
    ],
    [
      'hooks[0].smoke.endpoint',
      (p: any) => (p.hooks[0].smoke.endpoint = arn('sagemaker', 'endpoint/churn-live-endpoint')),
      'churn-live-endpoint',
    ],
    [
      'stageRetry[0].pipeline',
      (p: any) => (p.stageRetry[0].pipeline = arn('codepipeline', 'churn-deploy')),
      'churn-deploy',
    ],
  ])('%s', (path, mutate, name) => {
    const found = problems(mutate);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(
        `^${path.replace(/[[\].]/g, '\\$&')}: \\S+ is an (ARN|S3 URI): write the [a-z ]+'s name alone \\(${name}\\)`,
      ),
    );
  });

  it.each([
    ['gates[0].notifyTopicArn', (p: any) => (p.gates[0].notifyTopicArn = 'ml-approvals')],
    ['controller.decisions.topicArn', (p: any) => (p.controller.decisions = { topicArn: 'ml-approvals' })],
  ])('%s: a topic name is told the ARN to write, with the account and region of the policy', (path, mutate) => {
    expect(problems(mutate)).toEqual([
      `${path}: ml-approvals is a name: write the topic's ARN (arn:aws:sns:us-east-1:123456789012:ml-approvals)`,
    ]);
  });

  it('a policy listing several accounts leaves the placeholders for the reader to fill', () => {
    expect(
      problems((p) => {
        p.controller.accounts = ['123456789012', '111122223333'];
        p.gates[0].notifyTopicArn = 'ml-approvals';
      }),
    ).toEqual([
      "gates[0].notifyTopicArn: ml-approvals is a name: write the topic's ARN (arn:aws:sns:us-east-1:<account>:ml-approvals)",
    ]);
  });

  it.each([
    ['retraining[0].source.prefix', (p: any) => (p.retraining[0].source.prefix = '/churn/daily/'), 'churn/daily/'],
    [
      'controller.manifests.prefix',
      (p: any) => (p.controller.manifests.prefix = '/mlops-controller/manifests/'),
      'mlops-controller/manifests/',
    ],
  ])('%s: a leading "/" is refused with the prefix to write', (path, mutate, fixed) => {
    expect(problems(mutate)).toEqual([
      `${path}: starts with "/", but S3 keys in events do not, so nothing would match: write prefix: ${fixed}`,
    ]);
  });
});
