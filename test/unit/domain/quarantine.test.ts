import { dropVerdict, releaseVerdict } from '../../../functions/domain/quarantine';
import type { BatchRecord, GuardState } from '../../../functions/ports/run-store';
import { testRule } from '../../support/policies';

const rule = testRule({ name: 'r', guards: { cooldownSeconds: 600 } });
const now = new Date('2026-11-22T10:00:00.000Z');
const batch = (status: BatchRecord['status'], seq = 1): BatchRecord => ({
  rule: 'r',
  seq,
  status,
  objects: 2,
  bytes: 20,
  closedAt: 'c',
  updatedAt: 'u',
  ...(status === 'STARTED' ? { executionId: 'e-1' } : {}),
});
const guard = (g: Partial<GuardState> = {}): GuardState => ({ version: 2, startsToday: 0, nextSeq: 3, ...g });

describe('releaseVerdict', () => {
  it.each<[string, GuardState, BatchRecord | undefined, boolean, string]>([
    ['a quarantined batch with the guards clear is claimed', guard(), batch('QUARANTINED'), false, 'start'],
    ['cooldown defers it', guard({ lastStartAt: '2026-11-22T09:55:00.000Z' }), batch('QUARANTINED'), false, 'defer'],
    ['another claimed, unrecorded start defers it', guard(), batch('QUARANTINED'), true, 'defer'],
    ['its own claim is resumed', guard({ starting: { seq: 1, since: 's' } }), batch('QUARANTINED'), false, 'resume'],
    [
      'its own claim is resumed once reopened',
      guard({ starting: { seq: 1, since: 's' } }),
      batch('CLOSED'),
      false,
      'resume',
    ],
    ['a started batch is refused', guard({ starting: { seq: 1, since: 's' } }), batch('STARTED'), false, 'refuse'],
    ['a dropped batch is refused', guard(), batch('DROPPED'), false, 'refuse'],
    ['a waiting batch is refused', guard(), batch('DEFERRED', 4), false, 'refuse'],
    ['no batch is refused', guard(), undefined, false, 'refuse'],
  ])('%s', (_, g, b, unrecorded, phase) => {
    const run = { guard: g, ...(unrecorded ? { unrecorded: { batch: batch('CLOSED', 2), since: 's' } } : {}) };
    expect(releaseVerdict(rule, g, run, b, now).phase).toBe(phase);
  });

  it('claims without moving the batch order, naming the batch as running and starting', () => {
    const verdict = releaseVerdict(rule, guard(), { guard: guard() }, batch('QUARANTINED'), now);
    expect(verdict).toMatchObject({
      phase: 'start',
      claim: {
        nextSeq: 3,
        running: { seq: 1, since: now.toISOString() },
        starting: { seq: 1, since: now.toISOString() },
        startsToday: 1,
        lastStartAt: now.toISOString(),
      },
    });
  });
});

describe('dropVerdict', () => {
  it.each<[BatchRecord | undefined, boolean | string]>([
    [batch('QUARANTINED'), true],
    [batch('CLOSED'), 'r/1 is CLOSED: it starts by itself in batch order, not quarantined'],
    [batch('DROPPED'), 'r/1 is DROPPED, not quarantined'],
    [undefined, 'no such batch'],
  ])('%j', (b, expected) => {
    const v = dropVerdict(rule, b);
    expect(v.drop ? true : v.reason).toBe(expected);
  });
});
