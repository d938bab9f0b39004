import { buildManifest, manifestKey, startToken } from '../../../functions/domain/manifest';
import type { ObjectRef } from '../../../functions/domain/objects';

const obj = (key: string, size: number, extra: Partial<ObjectRef> = {}): ObjectRef => ({
  bucket: 'data',
  key,
  size,
  ...extra,
});

describe('buildManifest', () => {
  it.each<[string, ObjectRef[], { objectCount: number; totalBytes: number; objects: unknown[] }]>([
    ['an empty batch lists nothing', [], { objectCount: 0, totalBytes: 0, objects: [] }],
    [
      'objects are listed by key whatever order they arrived in',
      [obj('p/c.csv', 3), obj('p/a.csv', 1), obj('p/b.csv', 2)],
      {
        objectCount: 3,
        totalBytes: 6,
        objects: [
          { bucket: 'data', key: 'p/a.csv', size: 1 },
          { bucket: 'data', key: 'p/b.csv', size: 2 },
          { bucket: 'data', key: 'p/c.csv', size: 3 },
        ],
      },
    ],
    [
      'etag and versionId are kept when known; sequencer and eventTime are not the run’s business',
      [obj('p/a.csv', 5, { etag: 'e1', versionId: 'v1', sequencer: '0A', eventTime: '2026-12-03T10:00:00Z' })],
      {
        objectCount: 1,
        totalBytes: 5,
        objects: [{ bucket: 'data', key: 'p/a.csv', size: 5, etag: 'e1', versionId: 'v1' }],
      },
    ],
    [
      'an empty etag or versionId is left out rather than written empty',
      [obj('p/a.csv', 5, { etag: '', versionId: '' })],
      { objectCount: 1, totalBytes: 5, objects: [{ bucket: 'data', key: 'p/a.csv', size: 5 }] },
    ],
    [
      'zero-byte objects count as objects, not bytes',
      [obj('p/_SUCCESS', 0), obj('p/a.csv', 7)],
      {
        objectCount: 2,
        totalBytes: 7,
        objects: [
          { bucket: 'data', key: 'p/_SUCCESS', size: 0 },
          { bucket: 'data', key: 'p/a.csv', size: 7 },
        ],
      },
    ],
  ])('%s', (_, members, expected) => {
    expect(buildManifest('churn', 4, '2026-12-03T10:05:00.000Z', 'maxObjects 3 reached', members)).toEqual({
      rule: 'churn',
      batch: 4,
      closedAt: '2026-12-03T10:05:00.000Z',
      reason: 'maxObjects 3 reached',
      ...expected,
    });
  });

  it('leaves the caller’s list in its order', () => {
    const members = [obj('p/b.csv', 1), obj('p/a.csv', 1)];
    buildManifest('churn', 0, 't', 'r', members);
    expect(members.map((m) => m.key)).toEqual(['p/b.csv', 'p/a.csv']);
  });
});

describe('manifestKey', () => {
  it.each<[string, string, string, number, string]>([
    [
      'the default prefix',
      'mlops-controller/manifests/',
      'churn',
      7,
      'mlops-controller/manifests/churn/batch-000007.json',
    ],
    ['the first batch', 'm/', 'churn', 0, 'm/churn/batch-000000.json'],
    ['six digits exactly', 'm/', 'churn', 999_999, 'm/churn/batch-999999.json'],
    ['a batch past six digits is not truncated', 'm/', 'churn', 1_234_567, 'm/churn/batch-1234567.json'],
    ['an empty prefix writes at the bucket root', '', 'churn', 1, 'churn/batch-000001.json'],
  ])('%s: (%j, %j, %d) → %s', (_, prefix, rule, batch, key) => {
    expect(manifestKey(prefix, rule, batch)).toBe(key);
  });
});

describe('startToken', () => {
  it.each<[string, string, number, string]>([
    ['rule churn, batch 0', 'churn', 0, '0ca46d8134d45977185f0908c25839227ca687c83f28445d3062a68b2766c355'],
    ['the next batch of the same rule', 'churn', 1, '5eb170aad3df4d728851dddaee2afc8665a498e9b2d8061b3ad737f9002a49c4'],
    [
      'the same batch number of another rule',
      'churn-v2',
      0,
      '562c66518716e7ac40295581531b5757bc26a75037aa862414585a440c0875b8',
    ],
  ])('%s → the SHA-256 of mlops-controller/<rule>/<batch>', (_, rule, batch, token) => {
    expect(startToken(rule, batch)).toBe(token);
  });

  it.each([
    // CodePipeline clientRequestToken: 1–128 of [a-zA-Z0-9-]; SageMaker ClientRequestToken: 32–128.
    ['CodePipeline (1–128 of letters, digits, "-")', /^[a-zA-Z0-9-]{1,128}$/],
    ['SageMaker (32–128 characters)', /^.{32,128}$/],
  ])('fits the token rules of %s', (_, rule) => {
    expect(startToken('a-rule-name-of-the-longest-kind-allowed-by-the-policy-is-64-chars', 999_999)).toMatch(rule);
  });
});
