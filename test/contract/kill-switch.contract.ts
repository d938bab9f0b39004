/** The KillSwitch port's contract: one switch, seen by every instance within its cache time. */
import type { KillSwitch } from '../../functions/ports/kill-switch';

export interface KillSwitchSubject {
  /** The operator's switch (the `pause`/`resume` commands). */
  operator: KillSwitch;
  /** A function's switch on the same store (another container, its own cache). */
  fn: KillSwitch;
  /** Moves every instance's clock on. */
  advance(seconds: number): void;
  cacheSeconds: number;
}

export function describeKillSwitchContract(name: string, makeSubject: () => Promise<KillSwitchSubject>): void {
  describe(`KillSwitch contract: ${name}`, () => {
    let s: KillSwitchSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    it('is not paused before anyone set it', async () => {
      expect(await s.fn.state()).toEqual({ paused: false });
    });

    it('a pause reaches a function within the cache time, with who paused and why', async () => {
      await s.operator.set({ paused: true, by: 'alice', reason: 'incident 42', at: '2026-11-22T08:00:00.000Z' });
      s.advance(s.cacheSeconds + 1);
      expect(await s.fn.state()).toEqual({
        paused: true,
        by: 'alice',
        reason: 'incident 42',
        at: '2026-11-22T08:00:00.000Z',
      });
    });

    it('resume lifts the pause and forgets the old reason', async () => {
      await s.operator.set({ paused: true, by: 'alice', reason: 'incident 42' });
      s.advance(s.cacheSeconds + 1);
      expect((await s.fn.state()).paused).toBe(true);
      await s.operator.set({ paused: false, by: 'bob' });
      s.advance(s.cacheSeconds + 1);
      const state = await s.fn.state();
      expect(state).toEqual(expect.objectContaining({ paused: false, by: 'bob' }));
      expect(state.reason).toBeUndefined();
    });

    it('the instance that set the switch sees its own change at once', async () => {
      expect((await s.operator.state()).paused).toBe(false);
      await s.operator.set({ paused: true, by: 'alice' });
      expect((await s.operator.state()).paused).toBe(true);
    });
  });
}
