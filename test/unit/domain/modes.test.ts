import { validatePolicy, type Policy } from '../../../functions/config/policy';
import { modeFor, packageGroupOf, type ModeVerdict, type WriteTarget } from '../../../functions/domain/modes';
import { testController } from '../../support/policies';

const observe = { mode: 'observe' };
const check = [
  { metric: 'auc', from: 'ModelQuality.Statistics', path: 'binary_classification_metrics.auc.value', min: 0.8 },
];
const approval = { pipeline: 'deploy', stage: 'Gate', action: 'Approve', package: { variable: 'PACKAGE' } };

/**
 * A policy binding one resource of every kind, all enforcing; `observing` lists the sections put in
 * observe mode (`retraining.0`, `controller`).
 */
function policy(...observing: string[]): Policy {
  const on = (path: string) => (observing.includes(path) ? observe : {});
  return validatePolicy({
    version: 1,
    controller: { ...testController, ...on('controller') },
    retraining: [
      {
        name: 'cp',
        source: { bucket: 'b', prefix: 'cp/' },
        target: { type: 'codepipeline', name: 'train' },
        trigger: { maxObjects: 1 },
        ...on('retraining.0'),
      },
      {
        name: 'sm',
        source: { bucket: 'b', prefix: 'sm/' },
        target: { type: 'sagemaker', name: 'train' },
        trigger: { maxObjects: 1 },
        ...on('retraining.1'),
      },
      {
        name: 'drift',
        source: { bucket: 'b', prefix: 'd/' },
        target: { type: 'codepipeline', name: 'retrain' },
        trigger: { maxObjects: 1 },
        ...on('retraining.2'),
      },
    ],
    gates: [
      {
        name: 'churn',
        modelPackageGroup: 'churn',
        checks: check,
        reportBuckets: ['reports'],
        approvals: [approval],
        ...on('gates.0'),
      },
    ],
    rollback: [
      {
        name: 'live',
        alarms: { names: ['churn-latency'] },
        codedeploy: { application: 'app', deploymentGroup: 'live' },
        endpoint: { name: 'churn-ep' },
        modelPackageGroup: 'churn',
        freeze: { pipeline: 'deploy', stage: 'Prod' },
        ...on('rollback.0'),
      },
      { name: 'drift', alarms: { names: ['churn-drift'] }, retrain: 'drift', ...on('rollback.1') },
    ],
    hooks: [
      { application: 'app', deploymentGroup: 'canary', ...on('hooks.0') },
      { application: 'all-groups', ...on('hooks.1') },
    ],
    stageRetry: [{ pipeline: 'deploy', stages: ['Build', 'Test'], ...on('stageRetry.0') }],
  });
}

const enforce: ModeVerdict = { mode: 'enforce', because: [] };
const observedBy = (...because: string[]): ModeVerdict => ({ mode: 'observe', because });

const t = {
  cpTrain: { kind: 'pipeline', type: 'codepipeline', name: 'train' },
  smTrain: { kind: 'pipeline', type: 'sagemaker', name: 'train' },
  retrain: { kind: 'pipeline', type: 'codepipeline', name: 'retrain' },
  churn: { kind: 'modelPackage', group: 'churn' },
  approve: { kind: 'approval', pipeline: 'deploy', stage: 'Gate', action: 'Approve' },
  live: { kind: 'deploymentGroup', application: 'app', group: 'live' },
  ep: { kind: 'endpoint', name: 'churn-ep' },
  prod: { kind: 'stageTransition', pipeline: 'deploy', stage: 'Prod' },
  build: { kind: 'stageRetry', pipeline: 'deploy', stage: 'Build' },
  canary: { kind: 'hook', application: 'app', group: 'canary' },
} satisfies Record<string, WriteTarget>;

describe('modeFor', () => {
  it.each<[string, string[], WriteTarget, ModeVerdict]>([
    // Nothing observes: every write is made.
    ['a pipeline start when nothing observes', [], t.cpTrain, enforce],
    ['a package update when nothing observes', [], t.churn, enforce],
    ['a hook answer when nothing observes', [], t.canary, enforce],

    // The global mode covers every write, whatever binds it.
    ['a pipeline start under the global observe mode', ['controller'], t.cpTrain, observedBy('controller.mode')],
    [
      'a write nothing in the policy binds, under the global mode',
      ['controller'],
      { kind: 'endpoint', name: 'other' },
      observedBy('controller.mode'),
    ],
    [
      'a write nothing binds, under enforce',
      ['retraining.0', 'gates.0', 'rollback.0'],
      { kind: 'endpoint', name: 'other' },
      enforce,
    ],

    // Pipelines: the rule that targets it, and a rollback binding that retrains through that rule.
    [
      'a start of the pipeline an observing rule targets',
      ['retraining.0'],
      t.cpTrain,
      observedBy('retraining[0].mode'),
    ],
    [
      'a CodePipeline start when only the SageMaker pipeline of that name observes',
      ['retraining.1'],
      t.cpTrain,
      enforce,
    ],
    ['a SageMaker start when its rule observes', ['retraining.1'], t.smTrain, observedBy('retraining[1].mode')],
    ['a start of another rule’s pipeline', ['retraining.0'], t.retrain, enforce],
    ['a start through an observing retrain binding', ['rollback.1'], t.retrain, observedBy('rollback[1].mode')],
    ['a start the retrain binding does not reach', ['rollback.1'], t.cpTrain, enforce],
    [
      'a start both its rule and the global mode observe, listed in that order',
      ['controller', 'retraining.2', 'rollback.1'],
      t.retrain,
      observedBy('controller.mode', 'retraining[2].mode', 'rollback[1].mode'),
    ],

    // Model packages: the gate of the group and the rollback binding that rejects it.
    ['a package update of an observing gate’s group', ['gates.0'], t.churn, observedBy('gates[0].mode')],
    [
      'a package update of an observing rollback binding’s group',
      ['rollback.0'],
      t.churn,
      observedBy('rollback[0].mode'),
    ],
    [
      'a package update both observe',
      ['gates.0', 'rollback.0'],
      t.churn,
      observedBy('gates[0].mode', 'rollback[0].mode'),
    ],
    ['a package update of another group', ['gates.0', 'rollback.0'], { kind: 'modelPackage', group: 'fraud' }, enforce],
    ['a package in no group, under an observing gate', ['gates.0'], { kind: 'modelPackage', group: '' }, enforce],

    // Approvals: the gate that binds the very action.
    ['an approval answer of an observing gate', ['gates.0'], t.approve, observedBy('gates[0].mode')],
    ['an approval answer at another stage', ['gates.0'], { ...t.approve, stage: 'Gate2' }, enforce],
    ['an approval answer of another action', ['gates.0'], { ...t.approve, action: 'Approve2' }, enforce],
    ['an approval answer in another pipeline', ['gates.0'], { ...t.approve, pipeline: 'deploy2' }, enforce],

    // CodeDeploy, endpoints and freezes: the rollback binding that names them.
    ['a deployment stop in an observing binding’s group', ['rollback.0'], t.live, observedBy('rollback[0].mode')],
    ['a deployment stop in another group of the application', ['rollback.0'], { ...t.live, group: 'canary' }, enforce],
    [
      'a deployment stop in a group of that name in another application',
      ['rollback.0'],
      { ...t.live, application: 'app2' },
      enforce,
    ],
    ['an endpoint update of an observing binding', ['rollback.0'], t.ep, observedBy('rollback[0].mode')],
    ['an update of another endpoint', ['rollback.0'], { kind: 'endpoint', name: 'fraud-ep' }, enforce],
    ['a freeze of an observing binding’s stage', ['rollback.0'], t.prod, observedBy('rollback[0].mode')],
    ['a freeze of another stage', ['rollback.0'], { ...t.prod, stage: 'Beta' }, enforce],
    ['a retrain binding (no codedeploy, endpoint or freeze) binds none of them', ['rollback.1'], t.live, enforce],

    // Stage retries: the rule listing the stage.
    ['a retry of a stage an observing rule lists', ['stageRetry.0'], t.build, observedBy('stageRetry[0].mode')],
    ['a retry of a stage the rule does not list', ['stageRetry.0'], { ...t.build, stage: 'Deploy' }, enforce],

    // Hooks: the rule of the application and group; a rule without a group covers every group.
    ['a hook answer for an observing rule’s group', ['hooks.0'], t.canary, observedBy('hooks[0].mode')],
    ['a hook answer for another group of the application', ['hooks.0'], { ...t.canary, group: 'live' }, enforce],
    [
      'a hook answer for any group of an application whose rule names none',
      ['hooks.1'],
      { kind: 'hook', application: 'all-groups', group: 'whatever' },
      observedBy('hooks[1].mode'),
    ],
    ['a hook answer for another application', ['hooks.1'], t.canary, enforce],
  ])('%s', (_, observing, target, verdict) => {
    expect(modeFor(policy(...observing), target)).toEqual(verdict);
  });

  it.each<[string, string, string]>([
    ['the policy names the group in capitals, the ARN in lower case', 'Churn', 'churn'],
    ['the policy names it in lower case, the ARN in capitals', 'churn', 'Churn'],
    [
      'the policy names the group by its ARN',
      'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn',
      'churn',
    ],
  ])(
    'governs a package the rollback attributes to an observing binding case-insensitively (%s), as the rollback matches it',
    (_, inPolicy, inArn) => {
      const p = policy('rollback.0');
      p.rollback[0]!.modelPackageGroup = inPolicy;
      expect(modeFor(p, { kind: 'modelPackage', group: inArn })).toEqual(observedBy('rollback[0].mode'));
    },
  );

  it('lets observe win: an enforcing binding does not undo an observing one on the same resource', () => {
    const p = policy('rollback.0');
    p.rollback.push({ ...p.rollback[0]!, name: 'live-2', mode: 'enforce' });
    expect(modeFor(p, t.ep)).toEqual(observedBy('rollback[0].mode'));
  });
});

describe('packageGroupOf', () => {
  it.each<[string, string, string | undefined]>([
    ['a versioned package', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3', 'churn'],
    [
      'a group name with dashes and a multi-digit version',
      'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-xgb-v2/128',
      'churn-xgb-v2',
    ],
    ['another partition', 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/1', 'churn'],
    [
      'an unversioned package (in no group)',
      'arn:aws:sagemaker:us-east-1:123456789012:model-package/standalone',
      undefined,
    ],
    [
      'the group itself, not a package',
      'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn',
      undefined,
    ],
    [
      'a version that is not a number',
      'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/latest',
      undefined,
    ],
    ['a group name alone', 'churn', undefined],
  ])('%s: %s → %s', (_, arn, group) => {
    expect(packageGroupOf(arn)).toBe(group);
  });
});
