import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { policySchema, validatePolicy } from '../../../functions/config/policy';
import { branchesAt, knownKeysAt } from '../../../functions/config/policy-keys';
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

/** Renames `from` to `to` in `object`, keeping its value: the misspelling a person makes. */
const misspell = (object: any, from: string, to: string) => {
  object[to] = object[from];
  delete object[from];
};

describe('knownKeysAt walks the schema along the path, the input choosing the union branch', () => {
  const doc = example();
  it.each([
    [[], ['version', 'controller', 'retraining', 'gates', 'rollback', 'hooks', 'stageRetry', 'analysis']],
    [
      ['retraining', 0, 'target'],
      ['type', 'name', 'manifestVariable', 'batchIdVariable', 'variables'],
    ],
    [
      ['retraining', 1, 'target'],
      ['type', 'name', 'manifestParameter', 'batchIdParameter', 'parameters'],
    ],
    [
      ['controller', 'decisions'],
      ['eventBus', 'topicArn', 'routine'],
    ],
    [
      ['rollback', 0, 'freeze'],
      ['pipeline', 'stage', 'autoUnfreezeAfterOkSeconds'],
    ],
    [['retraining', 0, 'source', 'bucket'], undefined],
  ] as const)('%j', (path, keys) => {
    expect(knownKeysAt(policySchema, path, doc)).toEqual(keys);
  });
});

describe('a misspelled key gets "did you mean" at every level of the policy, once', () => {
  it.each([
    ['(top level)', (p: any) => misspell(p, 'stageRetry', 'stageRetyr'), 'stageRetyr', 'stageRetry'],
    [
      'controller',
      (p: any) => misspell(p.controller, 'decisionTtlDays', 'decisionTTLdays'),
      'decisionTTLdays',
      'decisionTtlDays',
    ],
    ['controller.manifests', (p: any) => misspell(p.controller.manifests, 'prefix', 'prefx'), 'prefx', 'prefix'],
    ['controller.decisions', (p: any) => (p.controller.decisions = { topicArns: 'x' }), 'topicArns', 'topicArn'],
    ['retraining[0]', (p: any) => misspell(p.retraining[0], 'guards', 'gaurds'), 'gaurds', 'guards'],
    ['retraining[0].source', (p: any) => misspell(p.retraining[0].source, 'suffix', 'sufix'), 'sufix', 'suffix'],
    [
      'retraining[0].target',
      (p: any) => misspell(p.retraining[0].target, 'manifestVariable', 'manifestVar'),
      'manifestVar',
      'manifestVariable',
    ],
    [
      'retraining[1].target',
      (p: any) => misspell(p.retraining[1].target, 'parameters', 'paramters'),
      'paramters',
      'parameters',
    ],
    [
      'retraining[0].trigger',
      (p: any) => misspell(p.retraining[0].trigger, 'quietSeconds', 'quietSecs'),
      'quietSecs',
      'quietSeconds',
    ],
    ['retraining[0].schema', (p: any) => misspell(p.retraining[0].schema, 'columns', 'colums'), 'colums', 'columns'],
    [
      'retraining[0].guards',
      (p: any) => misspell(p.retraining[0].guards, 'dailyCap', 'daily_cap'),
      'daily_cap',
      'dailyCap',
    ],
    ['gates[0]', (p: any) => misspell(p.gates[0], 'firstModel', 'firstmodel'), 'firstmodel', 'firstModel'],
    [
      'gates[0].checks[0]',
      (p: any) => misspell(p.gates[0].checks[0], 'direction', 'directon'),
      'directon',
      'direction',
    ],
    ['gates[0].approvals[0]', (p: any) => misspell(p.gates[0].approvals[0], 'action', 'acton'), 'acton', 'action'],
    [
      'rollback[0]',
      (p: any) => misspell(p.rollback[0], 'modelPackageGroup', 'modelPackageGrp'),
      'modelPackageGrp',
      'modelPackageGroup',
    ],
    ['rollback[0].alarms', (p: any) => misspell(p.rollback[0].alarms, 'prefixes', 'prefixs'), 'prefixs', 'prefixes'],
    [
      'rollback[0].codedeploy',
      (p: any) => misspell(p.rollback[0].codedeploy, 'lookbackDays', 'lookBackDays'),
      'lookBackDays',
      'lookbackDays',
    ],
    ['rollback[1].endpoint', (p: any) => misspell(p.rollback[1].endpoint, 'name', 'nmae'), 'nmae', 'name'],
    ['rollback[0].freeze', (p: any) => misspell(p.rollback[0].freeze, 'stage', 'stag'), 'stag', 'stage'],
    [
      'hooks[0]',
      (p: any) => misspell(p.hooks[0], 'deploymentGroup', 'deployment_group'),
      'deployment_group',
      'deploymentGroup',
    ],
    ['hooks[0].smoke', (p: any) => misspell(p.hooks[0].smoke, 'payload', 'payloda'), 'payloda', 'payload'],
    ['stageRetry[0]', (p: any) => misspell(p.stageRetry[0], 'maxAttempts', 'maxAttempt'), 'maxAttempt', 'maxAttempts'],
  ])('%s', (path, mutate, wrong, right) => {
    // Only the suggestion: a required key spelled wrong is not also reported missing.
    expect(problems(mutate)).toEqual([`${path}: unknown key "${wrong}": did you mean "${right}"? (write ${right}: …)`]);
  });

  it.each([
    [
      'a SageMaker key on a CodePipeline target',
      (p: any) => (p.retraining[0].target.parameters = { A: 'b' }),
      'retraining[0].target: unknown key "parameters": it is a key of type: sagemaker; with type: codepipeline write one of type, name, manifestVariable, batchIdVariable, variables',
    ],
    [
      'a CodePipeline key on a SageMaker target',
      (p: any) => (p.retraining[1].target.manifestVariable = 'MANIFEST_URI'),
      'retraining[1].target: unknown key "manifestVariable": it is a key of type: codepipeline; with type: sagemaker write one of type, name, manifestParameter, batchIdParameter, parameters',
    ],
  ])('%s is told which target type it belongs to', (_name, mutate, message) => {
    expect(problems(mutate)).toEqual([message]);
  });

  it('branchesAt: only at a discriminated union', () => {
    const doc = example();
    expect(branchesAt(policySchema, ['retraining', 1, 'target'], doc)).toEqual({
      chosen: {
        label: 'type: sagemaker',
        keys: ['type', 'name', 'manifestParameter', 'batchIdParameter', 'parameters'],
      },
      others: [
        { label: 'type: codepipeline', keys: ['type', 'name', 'manifestVariable', 'batchIdVariable', 'variables'] },
        { label: 'type: stepfunctions', keys: ['type', 'stateMachineArn', 'parameters'] },
        { label: 'type: codebuild', keys: ['type', 'name', 'manifestVariable', 'batchIdVariable', 'variables'] },
      ],
    });
    expect(branchesAt(policySchema, ['retraining', 1, 'source'], doc)).toBeUndefined();
  });

  it('a key close to none is told which keys are allowed there', () => {
    expect(problems((p) => (p.retraining[0].source.region = 'us-east-1'))).toEqual([
      'retraining[0].source: unknown key "region": remove it, or write one of bucket, prefix, suffix',
    ]);
  });

  it('a key already written right is not suggested for its misspelled twin', () => {
    expect(problems((p) => (p.retraining[0].source.sufix = '.csv'))).toEqual([
      'retraining[0].source: unknown key "sufix": remove it, or write one of bucket, prefix, suffix',
    ]);
  });
});
