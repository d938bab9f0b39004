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
      // maxObjects is written too: no suggestion to write it twice.
      'retraining[0].trigger: unknown key "maxObject": remove it, or write one of marker, maxObjects, maxBytes, quietSeconds',
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
      'a batch-id variable CodePipeline would refuse as a name',
      (p: any) => (p.retraining[0].target.batchIdVariable = 'BATCH ID'),
      'retraining[0].target.batchIdVariable: letters, digits, "@", "-" and "_" only, at most 128',
    ],
    [
      'a batch-id variable that is also the manifest variable',
      (p: any) => (p.retraining[0].target.batchIdVariable = 'MANIFEST_URI'),
      "retraining[0].target.batchIdVariable: must differ from the manifest's name (MANIFEST_URI)",
    ],
    [
      'a batch-id variable that also has a static value',
      (p: any) => {
        p.retraining[0].target.batchIdVariable = 'RUN';
        p.retraining[0].target.variables = { RUN: 'x' };
      },
      'retraining[0].target.batchIdVariable: RUN is also given a static value',
    ],
    [
      'a batch-id parameter SageMaker would refuse as a name',
      (p: any) => (p.retraining[1].target.batchIdParameter = 'Batch.Id'),
      'retraining[1].target.batchIdParameter: letters, digits, "-" and "_" only, at most 256',
    ],
    [
      'a batch-id parameter on a CodePipeline target',
      (p: any) => (p.retraining[0].target.batchIdParameter = 'BatchId'),
      'retraining[0].target: unknown key "batchIdParameter": it is a key of type: sagemaker; with type: codepipeline write one of type, name, manifestVariable, batchIdVariable, variables',
    ],
    [
      'two rules owning the same objects',
      (p: any) => (p.retraining[1].source = { bucket: 'b', prefix: 'x/' }),
      'retraining[1].source: same bucket, prefix and suffix as retraining[0]',
    ],
  ])('%s', (_n, mutate, expected) => {
    expect(problems(mutate).join('\n')).toContain(expected);
  });

  it('sends no batch id unless the rule names the variable or parameter', () => {
    const targets = validatePolicy(base()).retraining.map((r) => r.target);
    expect(targets.map((t) => (t.type === 'codepipeline' ? t.batchIdVariable : t.batchIdParameter))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps the batch-id names a rule declares', () => {
    const p = base();
    p.retraining[0].target.batchIdVariable = 'BATCH_ID';
    p.retraining[1].target.batchIdParameter = 'BatchId';
    const [cp, sm] = validatePolicy(p).retraining.map((r) => r.target);
    expect(cp).toMatchObject({ type: 'codepipeline', batchIdVariable: 'BATCH_ID' });
    expect(sm).toMatchObject({ type: 'sagemaker', batchIdParameter: 'BatchId' });
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
