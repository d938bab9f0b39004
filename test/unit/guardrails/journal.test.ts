import { pausedWhy } from '../../../functions/guardrails/guard-writes';
import { WriteJournal } from '../../../functions/guardrails/journal';
import type { KillSwitchState } from '../../../functions/ports/kill-switch';

describe('WriteJournal', () => {
  it('gives each committed verdict to one write under its key, in the order committed', () => {
    const j = new WriteJournal();
    j.commitVerdict('k', undefined);
    j.commitVerdict('k', 'paused');
    expect([j.verdictFor('k'), j.verdictFor('k'), j.verdictFor('k')]).toEqual([
      { why: undefined },
      { why: 'paused' },
      undefined,
    ]);
  });

  it('forgets the verdicts of a decision that is done, so later writes are judged afresh', () => {
    const j = new WriteJournal();
    j.commitVerdict('k', 'observe (controller.mode)');
    j.forget('k');
    expect(j.verdictFor('k')).toBeUndefined();
  });

  it('hands the writes since the last record to the next one; a record not stored gives them back first', () => {
    const j = new WriteJournal();
    const a = { service: 's', operation: 'A', target: 't', status: 'taken' as const };
    const b = { ...a, operation: 'B' };
    j.add(a);
    const taken = j.take();
    j.add(b);
    j.giveBack(taken);
    expect(j.take()).toEqual([a, b]);
    expect(j.take()).toEqual([]);
  });
});

describe('pausedWhy', () => {
  it.each<[string, KillSwitchState, string | undefined]>([
    ['not paused', { paused: false, by: 'alice' }, undefined],
    ['paused, nobody named', { paused: true }, 'paused'],
    ['paused by someone', { paused: true, by: 'alice' }, 'paused by alice'],
    [
      'paused by someone, with a reason',
      { paused: true, by: 'alice', reason: 'incident 42' },
      'paused by alice: incident 42',
    ],
    ['paused with a reason only', { paused: true, reason: 'incident 42' }, 'paused: incident 42'],
  ])('%s', (_, state, why) => {
    expect(pausedWhy(state)).toBe(why);
  });
});
