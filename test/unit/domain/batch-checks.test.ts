import { MAX_OBJECT_BYTES } from '../../../functions/domain/batching';
import { implausibleSize, schemaProblems } from '../../../functions/domain/batch-checks';
import type { SchemaFinding } from '../../../functions/domain/schema-check';

describe('implausibleSize', () => {
  it.each([
    ['an empty object', 0, undefined],
    ['a small object', 1_024, undefined],
    ['the largest object S3 stores', MAX_OBJECT_BYTES, undefined],
    ['one byte past S3’s limit', MAX_OBJECT_BYTES + 1, 'size 5497558138881 is not a plausible object size'],
    ['a negative size', -1, 'size -1 is not a plausible object size'],
    ['a fraction', 1.5, 'size 1.5 is not a plausible object size'],
    ['NaN from a corrupt event', Number.NaN, 'size NaN is not a plausible object size'],
    ['an unsafe integer', 2 ** 53, 'size 9007199254740992 is not a plausible object size'],
  ])('%s: %s → %s', (_case, size, expected) => {
    expect(implausibleSize(size)).toBe(expected);
  });
});

const ok: SchemaFinding = { ok: true, missing: [], extra: [] };
const renamed: SchemaFinding = { ok: false, missing: ['amount'], extra: ['amt'] };
const extraOnly: SchemaFinding = { ok: false, missing: [], extra: ['ts'] };
const unreadable: SchemaFinding = { ok: false, missing: [], extra: [], unreadable: 'first line is not valid JSON' };
const each = (finding: SchemaFinding, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `d/${i}.csv`, finding }));

describe('schemaProblems', () => {
  it.each([
    ['every object matches: no problem', false, each(ok, 3), []],
    [
      'a renamed column names both sides',
      false,
      [{ key: 'd/a.csv', finding: renamed }],
      ['d/a.csv: missing columns amount; unexpected columns amt'],
    ],
    [
      'extra columns allowed: only the missing one counts',
      true,
      [{ key: 'd/a.csv', finding: renamed }],
      ['d/a.csv: missing columns amount'],
    ],
    [
      'an unreadable head says why',
      false,
      [{ key: 'd/a.jsonl', finding: unreadable }],
      ['d/a.jsonl: first line is not valid JSON'],
    ],
    [
      'matching objects are left out, offenders keep batch order',
      false,
      [
        { key: 'd/0.csv', finding: ok },
        { key: 'd/1.csv', finding: extraOnly },
        { key: 'd/2.csv', finding: renamed },
      ],
      ['d/1.csv: unexpected columns ts', 'd/2.csv: missing columns amount; unexpected columns amt'],
    ],
    [
      'five offenders are named, the rest counted',
      false,
      each(renamed, 7),
      [
        ...[0, 1, 2, 3, 4].map((i) => `d/${i}.csv: missing columns amount; unexpected columns amt`),
        '…and 2 more objects',
      ],
    ],
  ])('%s', (_case, allowExtra, findings, expected) => {
    expect(schemaProblems({ allowExtra }, findings)).toEqual(expected);
  });
});
