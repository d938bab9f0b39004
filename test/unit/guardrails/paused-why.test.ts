import { pausedWhy } from '../../../functions/guardrails/guard-writes';
import type { KillSwitchState } from '../../../functions/ports/kill-switch';

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
