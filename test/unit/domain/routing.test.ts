import { routeObject } from '../../../functions/domain/routing';
import { testPolicy } from '../../support/policies';

const policy = testPolicy([
  {
    name: 'all-data',
    source: { bucket: 'b', prefix: 'data/' },
    target: { type: 'codepipeline', name: 'p1' },
    trigger: { maxObjects: 10 },
  },
  {
    name: 'train-csv',
    source: { bucket: 'b', prefix: 'data/train/', suffix: '.csv' },
    target: { type: 'sagemaker', name: 'p2' },
    trigger: { marker: '_SUCCESS' },
  },
  {
    name: 'train-any',
    source: { bucket: 'b', prefix: 'data/train/' },
    target: { type: 'sagemaker', name: 'p3' },
    trigger: { maxObjects: 5 },
  },
]);
const o = (key: string, bucket = 'b') => ({ bucket, key, size: 1 });

describe('routeObject: the most specific rule owns an object', () => {
  it.each([
    ['data/x.csv', 'data', 'all-data'],
    ['data/train/x.csv', 'data', 'train-csv'],
    ['data/train/x.parquet', 'data', 'train-any'],
    ['data/train/_SUCCESS', 'marker', 'train-csv'],
  ])('%s → %s of %s', (key, kind, rule) => {
    const route = routeObject(policy.retraining, o(key));
    expect(route.kind).toBe(kind);
    expect(route.kind !== 'none' && route.rule.name).toBe(rule);
  });

  it.each([['other/x.csv'], ['data/'], ['data/train/']])('%s matches no rule', (key) => {
    expect(routeObject(policy.retraining, o(key)).kind).toBe('none');
  });

  it('never matches another bucket', () => {
    expect(routeObject(policy.retraining, o('data/x.csv', 'other')).kind).toBe('none');
  });
});
