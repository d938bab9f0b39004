import { readFileSync } from 'node:fs';
import { parsePolicyText, validatePolicy } from '../../../functions/config/policy';
import { PolicyError } from '../../../functions/domain/errors';
import { policyInput } from '../../support/policies';

const base = (): any =>
  policyInput([
    {
      name: 'a',
      source: { bucket: 'b', prefix: 'x/' },
      target: { type: 'codepipeline', name: 'p' },
      trigger: { maxObjects: 1 },
    },
    {
      name: 'b',
      source: { bucket: 'b', prefix: 'y/' },
      target: { type: 'sagemaker', name: 'q' },
      trigger: { marker: '_SUCCESS' },
    },
    {
      name: 'c',
      source: { bucket: 'b', prefix: 'z/' },
      target: { type: 'codepipeline', name: 'p' },
      trigger: { quietSeconds: 60 },
    },
  ]);

function problems(mutate: (p: any) => void): string[] {
  const p = base();
  mutate(p);
  try {
    validatePolicy(p);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).problems;
  }
}

describe('policy validation names the path of every mistake', () => {
  it('accepts the example policy shipped with the project', () => {
    expect(parsePolicyText(readFileSync('controller.yml', 'utf8')).retraining.map((r) => r.name)).toEqual([
      'churn',
      'ranking',
    ]);
  });

  it.each([
    ['missing target name', (p: any) => delete p.retraining[2].target.name, 'retraining[2].target.name: required'],
    [
      'unknown target type',
      (p: any) => (p.retraining[0].target.type = 'lambda'),
      'retraining[0].target.type: type must be codepipeline or sagemaker',
    ],
    [
      'empty trigger',
      (p: any) => (p.retraining[1].trigger = {}),
      'retraining[1].trigger: needs at least one of marker, maxObjects, maxBytes, quietSeconds',
    ],
    [
      'bad account',
      (p: any) => (p.controller.accounts = ['12']),
      'controller.accounts[0]: must be a 12-digit account id',
    ],
    [
      'unknown key',
      (p: any) => (p.retraining[0].trigger.maxObject = 3),
      'retraining[0].trigger: Unrecognized key: "maxObject"',
    ],
    [
      'negative cooldown',
      (p: any) => (p.retraining[0].guards = { cooldownSeconds: -1 }),
      'retraining[0].guards.cooldownSeconds',
    ],
    [
      'duplicate rule name',
      (p: any) => (p.retraining[1].name = 'a'),
      'retraining[1].name: duplicate of retraining[0].name',
    ],
    [
      'two rules owning the same objects',
      (p: any) => (p.retraining[1].source = { bucket: 'b', prefix: 'x/' }),
      'retraining[1].source: same bucket, prefix and suffix as retraining[0]',
    ],
  ])('%s', (_n, mutate, expected) => {
    expect(problems(mutate).join('\n')).toContain(expected);
  });

  it('reports several problems at once', () => {
    expect(
      problems((p) => {
        delete p.retraining[0].target.name;
        p.controller.regions = [];
      }),
    ).toHaveLength(2);
  });

  it('rejects text that is not YAML', () => {
    expect(() => parsePolicyText('version: [1')).toThrow(/not valid YAML/);
  });
});
