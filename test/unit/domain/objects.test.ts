import { keyProblem, MAX_KEY_BYTES, objectIdentity, type ObjectRef } from '../../../functions/domain/objects';

const upload: ObjectRef = {
  bucket: 'data',
  key: 'p/part-0.csv',
  size: 10,
  etag: 'e1',
  versionId: 'v1',
  sequencer: '0A1',
  eventTime: '2026-12-03T10:00:00Z',
};

describe('objectIdentity', () => {
  it.each<[string, boolean, ObjectRef]>([
    ['the same upload delivered twice', true, { ...upload }],
    ['the same upload announced at another time (eventTime is not identity)', true, { ...upload, eventTime: 'x' }],
    ['the same upload with another reported size (size is not identity)', true, { ...upload, size: 11 }],
    ['a re-upload of the key (new sequencer)', false, { ...upload, sequencer: '0A2' }],
    ['another version of the key', false, { ...upload, versionId: 'v2' }],
    ['other content at the key', false, { ...upload, etag: 'e2' }],
    ['the same key in another bucket', false, { ...upload, bucket: 'data2' }],
    ['another key', false, { ...upload, key: 'p/part-1.csv' }],
  ])('%s → same identity: %s', (_, same, other) => {
    expect(objectIdentity(other) === objectIdentity(upload)).toBe(same);
  });

  it.each<[string, ObjectRef, string]>([
    ['every identity field', upload, 'data\u001fp/part-0.csv\u001fv1\u001fe1\u001f0A1'],
    [
      'an unversioned object without etag or sequencer',
      { bucket: 'b', key: 'k', size: 0 },
      'b\u001fk\u001f\u001f\u001f',
    ],
  ])('joins %s with the unit separator', (_, o, identity) => {
    expect(objectIdentity(o)).toBe(identity);
  });

  it('treats an absent field and an explicitly undefined one alike', () => {
    expect(objectIdentity({ bucket: 'b', key: 'k', size: 1, etag: undefined })).toBe(
      objectIdentity({ bucket: 'b', key: 'k', size: 1 }),
    );
  });
});

describe('keyProblem (S3: a key is at most 1,024 bytes of UTF-8)', () => {
  it('names the documented limit', () => expect(MAX_KEY_BYTES).toBe(1024));

  it.each<[string, string, string | undefined]>([
    ['a short key', 'p/part-0.csv', undefined],
    ['1,024 ASCII characters (exactly the limit)', 'k'.repeat(1024), undefined],
    ['1,025 ASCII characters', 'k'.repeat(1025), 'key is 1,025 bytes of UTF-8; S3 allows at most 1,024'],
    ['512 two-byte characters (1,024 bytes)', 'é'.repeat(512), undefined],
    ['513 two-byte characters (1,026 bytes)', 'é'.repeat(513), 'key is 1,026 bytes of UTF-8; S3 allows at most 1,024'],
    [
      '342 three-byte characters: fewer than 1,024 characters, 1,026 bytes',
      '€'.repeat(342),
      'key is 1,026 bytes of UTF-8; S3 allows at most 1,024',
    ],
    ['256 four-byte emoji (1,024 bytes)', '😀'.repeat(256), undefined],
    ['257 four-byte emoji (1,028 bytes)', '😀'.repeat(257), 'key is 1,028 bytes of UTF-8; S3 allows at most 1,024'],
    [
      'a 2,000-byte key, with thousands separators',
      'k'.repeat(2000),
      'key is 2,000 bytes of UTF-8; S3 allows at most 1,024',
    ],
  ])('%s → %s', (_, key, problem) => {
    expect(keyProblem(key)).toBe(problem);
  });
});
