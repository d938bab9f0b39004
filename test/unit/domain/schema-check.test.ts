import { checkColumns } from '../../../functions/domain/schema-check';

const csv = { format: 'csv' as const, columns: ['id', 'amount', 'label'], delimiter: ',', allowExtra: false };
const jsonl = { ...csv, format: 'jsonl' as const };

describe('checkColumns', () => {
  it.each([
    ['matching CSV header', csv, 'id,amount,label\n1,2,3\n', true, { missing: [], extra: [] }],
    ['renamed upstream column', csv, 'id,amt,label\n1,2,3\n', false, { missing: ['amount'], extra: ['amt'] }],
    ['dropped column', csv, 'id,label\n', false, { missing: ['amount'], extra: [] }],
    ['quoted header with BOM and CRLF', csv, '\uFEFF"id","amount","label"\r\n1,2,3', true, {}],
    [
      'extra column when extras are allowed',
      { ...csv, allowExtra: true },
      'id,amount,label,ts\n',
      true,
      { extra: ['ts'] },
    ],
    ['extra column when extras are not allowed', csv, 'id,amount,label,ts\n', false, { extra: ['ts'] }],
    ['matching JSON Lines keys', jsonl, '{"id":1,"amount":2,"label":0}\n{"id":2}', true, {}],
    ['JSON Lines missing a key', jsonl, '{"id":1,"label":0}\n', false, { missing: ['amount'] }],
  ])('%s', (_n, rule, head, ok, expected) => {
    const f = checkColumns(rule, head, false);
    expect(f.ok).toBe(ok);
    expect(f).toMatchObject(expected);
  });

  it.each([
    ['empty object', csv, '', true, /empty/],
    ['JSON line cut by the read window', jsonl, '{"id":1,"amou', false, /longer than the bytes read/],
    ['not JSON', jsonl, 'id,amount\n', false, /not valid JSON/],
    ['JSON array line', jsonl, '[1,2]\n', false, /not an object/],
  ])('%s is unreadable, never a pass', (_n, rule, head, complete, reason) => {
    const f = checkColumns(rule, head, complete);
    expect(f.ok).toBe(false);
    expect(f.unreadable).toMatch(reason);
  });

  it('accepts a whole short object without a trailing newline', () => {
    expect(checkColumns(jsonl, '{"id":1,"amount":2,"label":0}', true).ok).toBe(true);
  });
});
