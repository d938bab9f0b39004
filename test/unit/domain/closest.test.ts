import { closestKey, editDistance } from '../../../functions/domain/closest';

describe('editDistance and closestKey', () => {
  it.each([
    ['suffix', 'suffix', 0],
    ['sufix', 'suffix', 1],
    ['preifx', 'prefix', 1],
    ['bukcet', 'bucket', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j → %j: %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it.each([
    ['sufix', ['bucket', 'prefix', 'suffix'], 'suffix'],
    ['model_package_group', ['name', 'modelPackageGroup'], 'modelPackageGroup'],
    ['MaxObjects', ['marker', 'maxObjects', 'maxBytes'], 'maxObjects'],
    ['quietSecond', ['maxObjects', 'quietSeconds'], 'quietSeconds'],
    // Too far from every key: no guess.
    ['foo', ['bucket', 'prefix', 'suffix'], undefined],
    ['retrain', ['retraining', 'gates'], 'retraining'],
    ['hooks', ['retraining', 'gates'], undefined],
    // A short key allows one edit only.
    ['nme', ['name'], 'name'],
    ['nm', ['name'], undefined],
    // Cut short: the one key it begins; two such keys are no guess.
    ['manifestVar', ['manifestVariable', 'batchIdVariable'], 'manifestVariable'],
    ['maxD', ['maxDegradation', 'maxDegradationPct'], undefined],
  ] as const)('%s among %j → %s', (key, known, expected) => {
    expect(closestKey(key, known)).toBe(expected);
  });
});
