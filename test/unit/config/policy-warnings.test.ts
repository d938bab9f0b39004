import {
  bucketNameWarnings,
  overlapWarnings,
  policyWarnings,
  sharedTargetWarnings,
  unboundHookAlarmWarnings,
} from '../../../functions/config/policy-warnings';
import { parsePolicyText, validatePolicy } from '../../../functions/config/policy';
import { readFileSync } from 'node:fs';
import { testPolicy } from '../../support/policies';

const rule = (name: string, source: Record<string, unknown>, target = name) => ({
  name,
  source: { bucket: 'data', ...source },
  target: { type: 'codepipeline', name: target },
  trigger: { maxObjects: 1 },
});

describe('overlapWarnings: a broader rule over a narrower one', () => {
  it.each([
    [
      'a catch-all under a folder rule',
      [rule('all', {}), rule('churn', { prefix: 'churn/' })],
      ['retraining[0].source'],
    ],
    [
      'a folder over its subfolder',
      [rule('churn', { prefix: 'churn/' }), rule('daily', { prefix: 'churn/daily/' })],
      ['retraining[0].source'],
    ],
    [
      'listed narrower first, still the broader one warned',
      [rule('daily', { prefix: 'churn/daily/' }), rule('churn', { prefix: 'churn/' })],
      ['retraining[1].source'],
    ],
    [
      'same prefix, a suffix beside none',
      [rule('any', { prefix: 'x/' }), rule('csv', { prefix: 'x/', suffix: '.csv' })],
      ['retraining[0].source'],
    ],
    [
      'suffixes no key ends with both',
      [rule('csv', { prefix: 'x/', suffix: '.csv' }), rule('json', { prefix: 'x/y/', suffix: '.json' })],
      [],
    ],
    [
      'other buckets',
      [rule('a', {}), { ...rule('b', { prefix: 'x/' }), source: { bucket: 'other', prefix: 'x/' } }],
      [],
    ],
    ['side by side folders', [rule('a', { prefix: 'a/' }), rule('b', { prefix: 'b/' })], []],
  ])('%s', (_name, rules, paths) => {
    expect(overlapWarnings(testPolicy(rules).retraining).map((w) => w.path)).toEqual(paths);
  });

  it('says who gets which objects and what to write', () => {
    expect(
      overlapWarnings(testPolicy([rule('all', {}), rule('churn', { prefix: 'churn/', suffix: '.csv' })]).retraining),
    ).toEqual([
      {
        path: 'retraining[0].source',
        message:
          'all (prefix "") also matches objects of retraining[1] (churn, prefix "churn/", suffix ".csv"); those go only to the narrower rule (the longest prefix wins), all gets the rest of s3://data/. If all should not see the rest, give it a prefix of its own (prefix: <folder>/)',
      },
    ]);
  });
});

describe('sharedTargetWarnings: two rules feeding one pipeline', () => {
  it.each([
    [
      'same CodePipeline pipeline',
      [rule('a', { prefix: 'a/' }, 'p'), rule('b', { prefix: 'b/' }, 'p')],
      ['retraining[1].target'],
    ],
    [
      'three rules, the later two warned',
      [rule('a', { prefix: 'a/' }, 'p'), rule('b', { prefix: 'b/' }, 'p'), rule('c', { prefix: 'c/' }, 'p')],
      ['retraining[1].target', 'retraining[2].target'],
    ],
    ['their own pipelines', [rule('a', { prefix: 'a/' }), rule('b', { prefix: 'b/' })], []],
    [
      'a CodePipeline and a SageMaker pipeline of one name are two pipelines',
      [rule('a', { prefix: 'a/' }, 'p'), { ...rule('b', { prefix: 'b/' }), target: { type: 'sagemaker', name: 'p' } }],
      [],
    ],
  ])('%s', (_name, rules, paths) => {
    expect(sharedTargetWarnings(testPolicy(rules).retraining).map((w) => w.path)).toEqual(paths);
  });

  it('says why and what to write', () => {
    const [w] = sharedTargetWarnings(
      testPolicy([rule('a', { prefix: 'a/' }, 'p'), rule('b', { prefix: 'b/' }, 'p')]).retraining,
    );
    expect(w!.message).toBe(
      "b starts the codepipeline pipeline p, as retraining[0] (a) does: exclusive, cooldownSeconds and dailyCap count each rule's own runs, so both may start it at once and it may run more often than either cap says. Give each rule its own pipeline, or merge them into one rule with a common prefix",
    );
  });
});

describe('unboundHookAlarmWarnings: an alarm a hook checks that no binding acts on', () => {
  const policy = (rollback: unknown[], hooks: unknown[]) =>
    validatePolicy({
      version: 1,
      controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'm' } },
      rollback,
      hooks,
    });
  const binding = (alarms: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
    name: 'live',
    alarms,
    codedeploy: { application: 'app', deploymentGroup: 'live' },
    ...over,
  });
  const hook = (alarms: string[], group?: string) => ({
    application: 'app',
    ...(group ? { deploymentGroup: group } : {}),
    alarms,
  });

  it.each([
    ['bound by name', [binding({ names: ['errors'] })], [hook(['errors'])], []],
    ['bound by prefix', [binding({ prefixes: ['err'] })], [hook(['errors'])], []],
    ['not bound', [binding({ names: ['latency'] })], [hook(['latency', 'errors'])], ['hooks[0].alarms[1]']],
    ['no binding at all', [], [hook(['errors'], 'live')], ['hooks[0].alarms[0]']],
  ])('%s', (_name, rollback, hooks, paths) => {
    expect(unboundHookAlarmWarnings(policy(rollback, hooks)).map((w) => w.path)).toEqual(paths);
  });

  it.each([
    [
      'names the binding of the same application to add it to',
      [binding({ names: ['latency'] })],
      [hook(['errors'], 'live')],
      'errors is checked before traffic shifts, but no rollback binding names it, so once the model is live nothing acts when it fires: add it to rollback[0].alarms.names (live, which rolls back app)',
    ],
    [
      'writes the binding to add when there is none',
      [],
      [hook(['errors'], 'live')],
      'errors is checked before traffic shifts, but no rollback binding names it, so once the model is live nothing acts when it fires: add a rollback binding with alarms: { names: [errors] } and codedeploy: { application: app, deploymentGroup: live }',
    ],
    [
      'says that tags are not read offline',
      [
        binding(
          { tags: { model: 'churn' } },
          { name: 'tagged', codedeploy: { application: 'other', deploymentGroup: 'g' } },
        ),
      ],
      [hook(['errors'])],
      'errors is checked before traffic shifts, but no rollback binding names it (unless its tags match the alarms.tags of rollback[0]: tags are not read offline), so once the model is live nothing acts when it fires: add a rollback binding with alarms: { names: [errors] } and codedeploy: { application: app }',
    ],
  ])('%s', (_name, rollback, hooks, message) => {
    expect(unboundHookAlarmWarnings(policy(rollback, hooks)).map((w) => w.message)).toEqual([message]);
  });
});

describe('bucketNameWarnings: names S3 would never have given a bucket', () => {
  it.each([
    ['acme-ml-data', []],
    ['acme.ml.data', []],
    ['ab', ["ab cannot be an S3 bucket's name: a bucket name has 3 to 63 characters"]],
    [
      'Acme_Data',
      [
        'Acme_Data cannot be an S3 bucket\'s name: a bucket name has no uppercase letters or "_" (write acme-data if that is the bucket)',
      ],
    ],
    [
      '-acme',
      [
        '-acme cannot be an S3 bucket\'s name: a bucket name has lowercase letters, digits, "." and "-" only, starting and ending with a letter or digit',
      ],
    ],
    ['acme..data', ['acme..data cannot be an S3 bucket\'s name: a bucket name has no two adjacent "."']],
    ['192.168.1.1', ["192.168.1.1 cannot be an S3 bucket's name: a bucket name is not an IP address"]],
  ])('%s', (bucket, messages) => {
    const policy = testPolicy([rule('r', { prefix: 'x/' })], {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      manifests: { bucket },
    });
    expect(bucketNameWarnings(policy)).toEqual(
      messages.map((message) => ({ path: 'controller.manifests.bucket', message })),
    );
  });

  it('names every bucket field', () => {
    const policy = validatePolicy({
      version: 1,
      controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'M' } },
      retraining: [{ ...rule('r', { prefix: 'x/' }), source: { bucket: 'D', prefix: 'x/' } }],
      gates: [
        {
          name: 'g',
          modelPackageGroup: 'models',
          reportBuckets: ['R'],
          checks: [{ metric: 'auc', from: 'ModelQuality.Statistics', path: 'auc', min: 0.5 }],
        },
      ],
    });
    expect(bucketNameWarnings(policy).map((w) => w.path)).toEqual([
      'controller.manifests.bucket',
      'retraining[0].source.bucket',
      'gates[0].reportBuckets[0]',
    ]);
  });
});

describe('policyWarnings', () => {
  it('the example policy has none', () => {
    expect(policyWarnings(parsePolicyText(readFileSync('controller.yml', 'utf8')))).toEqual([]);
  });
});
