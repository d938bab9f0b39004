import { readFileSync } from 'node:fs';
import { parsePolicyText, validatePolicy } from '../../../functions/config/policy';
import { PolicyError } from '../../../functions/domain/errors';
import { policyInput } from '../../support/policies';

function problems(extra: Record<string, unknown>): string[] {
  try {
    validatePolicy({
      ...policyInput([
        {
          name: 'churn',
          source: { bucket: 'b' },
          target: { type: 'codepipeline', name: 'p' },
          trigger: { maxObjects: 1 },
        },
      ]),
      ...extra,
    });
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}

describe('rollback policy', () => {
  it('the example policy validates and binds alarms, hooks and stage retries', () => {
    const p = parsePolicyText(readFileSync('controller.yml', 'utf8'));
    expect(p.rollback.length).toBeGreaterThan(0);
    expect(p.hooks.length).toBeGreaterThan(0);
    expect(p.stageRetry.length).toBeGreaterThan(0);
  });

  it('defaults to no bindings, hooks or retries', () => {
    const p = validatePolicy(policyInput([]));
    expect([p.rollback, p.hooks, p.stageRetry]).toEqual([[], [], []]);
  });

  it.each([
    [
      { rollback: [{ name: 'x', alarms: {}, freeze: { pipeline: 'p', stage: 's' } }] },
      'rollback[0].alarms: needs at least one of names, prefixes, tags',
    ],
    [
      { rollback: [{ name: 'x', alarms: { names: ['a'] } }] },
      'rollback[0]: needs a target: codedeploy, endpoint, modelPackageGroup, freeze or retrain',
    ],
    [
      { rollback: [{ name: 'x', alarms: { names: ['a'] }, retrain: 'churn', endpoint: { name: 'e' } }] },
      'rollback[0].retrain: a binding either retrains or rolls back, not both',
    ],
    [
      { rollback: [{ name: 'x', alarms: { names: ['a'] }, retrain: 'nope' }] },
      'rollback[0].retrain: no retraining rule named nope',
    ],
    [
      { rollback: [{ name: 'x', alarms: { names: ['a'] }, codedeploy: { application: 'a' } }] },
      'rollback[0].codedeploy.deploymentGroup: required',
    ],
    [
      {
        rollback: [
          { name: 'x', alarms: { names: ['a'] }, endpoint: { name: 'e' } },
          { name: 'x', alarms: { names: ['b'] }, endpoint: { name: 'e' } },
        ],
      },
      'rollback[1].name: duplicate of rollback[0].name',
    ],
    [
      {
        rollback: [
          { name: 'x', alarms: { names: ['a'] }, freeze: { pipeline: 'p', stage: 's', autoUnfreezeAfterOkSeconds: 0 } },
        ],
      },
      'rollback[0].freeze.autoUnfreezeAfterOkSeconds: must be > 0',
    ],
    [
      { rollback: [{ name: 'x', alarms: { names: ['a'] }, endpoint: { name: 'e' }, staleAfterSeconds: 90_000 }] },
      'rollback[0].staleAfterSeconds: must be ≤ 86400 (a day)',
    ],
    [
      { hooks: [{ application: 'a', smoke: { endpoint: 'e', payload: 'http://x' } }] },
      'hooks[0].smoke.payload: must be an s3://bucket/key URI',
    ],
    [
      { hooks: [{ application: 'a', smoke: { endpoint: 'e', payload: 's3://b/k', expectPattern: '(' } }] },
      'hooks[0].smoke.expectPattern: must be a valid regular expression',
    ],
    [{ hooks: [{ application: 'a' }, { application: 'a' }] }, 'hooks[1]: same application and group as hooks[0]'],
    [{ stageRetry: [{ pipeline: 'p', stages: [] }] }, 'stageRetry[0].stages: list at least one stage'],
    [
      { stageRetry: [{ pipeline: 'p', stages: ['s'], delaySeconds: 900 }] },
      'stageRetry[0].delaySeconds: must be ≤ 600',
    ],
    [
      {
        stageRetry: [
          { pipeline: 'p', stages: ['s'] },
          { pipeline: 'p', stages: ['s'] },
        ],
      },
      'stageRetry[1].stages[0]: p/s is already in stageRetry[0]',
    ],
  ])('%j is reported as %s', (extra, message) => {
    expect(problems(extra)).toContain(message);
  });

  it.each([
    [true, 'rollback[0].observeOnly: no longer supported: write `mode: observe` instead of `observeOnly: true`'],
    [false, 'rollback[0].observeOnly: no longer supported: remove `observeOnly: false` (enforce is the default)'],
  ])('an old binding with observeOnly: %s is refused with what to write instead', (observeOnly, problem) => {
    expect(
      problems({
        rollback: [{ name: 'x', alarms: { names: ['a'] }, freeze: { pipeline: 'p', stage: 's' }, observeOnly }],
      }),
    ).toEqual([problem]);
  });

  it('mode: observe, what observeOnly: true becomes, validates', () => {
    expect(
      problems({
        rollback: [{ name: 'x', alarms: { names: ['a'] }, freeze: { pipeline: 'p', stage: 's' }, mode: 'observe' }],
      }),
    ).toEqual([]);
  });
});
