import * as z from 'zod';
import { defineStep } from './simulate-step';

/** Runs the retraining sweeper now, after the step's events (without waiting for time to pass). */
export const sweep = defineStep({
  key: 'sweep',
  phase: 'after',
  schema: z.boolean(),
  async run(now, ctx) {
    if (!now) return;
    for (let c = 0; c < ctx.copies; c++) await ctx.deliver({ fn: 'sweeper', event: {}, label: 'sweeper' });
    ctx.report();
  },
});
