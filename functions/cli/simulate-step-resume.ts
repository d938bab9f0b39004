import * as z from 'zod';
import { defineStep } from './simulate-step';

/** `mlops-controller resume`: writes go ahead again; withheld decisions are not replayed. */
export const resume = defineStep({
  key: 'resume',
  phase: 'before',
  schema: z.literal(true),
  async run(_, { sim, note }) {
    await sim.killSwitch.set({ paused: false, at: sim.clock.now().toISOString() });
    note('⏵ kill switch: resumed (withheld actions are not replayed)');
  },
});
