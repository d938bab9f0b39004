import * as z from 'zod';
import { defineStep } from './simulate-step';

/** The operator pulls the kill switch (`mlops-controller pause`): every write call is withheld. */
export const pause = defineStep({
  key: 'pause',
  phase: 'before',
  schema: z.strictObject({ reason: z.string().optional(), by: z.string().default('an operator') }),
  async run({ by, reason }, { sim, note }) {
    await sim.killSwitch.set({ paused: true, by, ...(reason ? { reason } : {}), at: sim.clock.now().toISOString() });
    note(`⏸ kill switch: paused by ${by}${reason ? ` (${reason})` : ''}`);
  },
});
