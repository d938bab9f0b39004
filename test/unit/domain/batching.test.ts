import { closeVerdict, mayClose } from '../../../functions/domain/batching';
import { testRule } from '../../support/policies';

const rule = (trigger: Record<string, unknown>) => testRule({ trigger });
const objs = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ bucket: 'b', key: `p/${i}`, size }));
const now = new Date('2026-11-22T10:00:00Z');
const open = (lastArrivalAt = '2026-11-22T09:59:00Z', pendingObjects = 1, pendingBytes = 10) => ({
  pendingObjects,
  pendingBytes,
  lastArrivalAt,
  nextSeq: 0,
});

describe('closeVerdict', () => {
  it.each([
    [
      'marker present',
      { marker: '_SUCCESS' },
      [...objs(2), { bucket: 'b', key: 'p/_SUCCESS', size: 0 }],
      true,
      /marker/,
    ],
    ['marker absent', { marker: '_SUCCESS' }, objs(2), false, /2 objects/],
    ['count reached', { maxObjects: 3 }, objs(3), true, /maxObjects 3/],
    ['count not reached', { maxObjects: 3 }, objs(2), false, /pending/],
    ['bytes reached', { maxBytes: 100 }, objs(10, 10), true, /maxBytes/],
    ['marker not counted as data', { maxObjects: 3, marker: 'M' }, objs(2), false, /2 objects/],
  ])('%s', (_n, trigger, members, close, reason) => {
    const v = closeVerdict(rule(trigger), members, open(), now);
    expect(v.close).toBe(close);
    expect(v.reason).toMatch(reason);
  });

  it('closes after the quiet period and not before', () => {
    const r = rule({ quietSeconds: 60 });
    expect(closeVerdict(r, objs(1), open('2026-11-22T09:59:00Z'), now).close).toBe(true);
    expect(closeVerdict(r, objs(1), open('2026-11-22T09:59:30Z'), now).close).toBe(false);
  });

  it('never closes a quiet batch that holds only a marker', () => {
    expect(closeVerdict(rule({ quietSeconds: 1 }), [], open('2026-11-22T09:00:00Z'), now).close).toBe(false);
  });
});

describe('mayClose (cheap pre-check on counters)', () => {
  it('is false with nothing pending, true when a marker arrived', () => {
    expect(mayClose(rule({ marker: 'M' }), open(undefined, 0), true, now)).toBe(false);
    expect(mayClose(rule({ marker: 'M' }), open(), true, now)).toBe(true);
  });
  it('follows count and byte thresholds', () => {
    expect(mayClose(rule({ maxObjects: 5 }), open(undefined, 5), false, now)).toBe(true);
    expect(mayClose(rule({ maxObjects: 5 }), open(undefined, 4), false, now)).toBe(false);
    expect(mayClose(rule({ maxBytes: 50 }), open(undefined, 1, 50), false, now)).toBe(true);
  });
  it('leaves a batch another caller is closing to that caller, unless a marker just arrived', () => {
    const closing = { ...open(undefined, 5), closing: true };
    expect(mayClose(rule({ maxObjects: 5 }), closing, false, now)).toBe(false);
    expect(mayClose(rule({ marker: 'M', maxObjects: 5 }), closing, true, now)).toBe(true);
  });
});
