import * as z from 'zod';
import { defineStep } from './simulate-step';
import { plural } from './simulate-render';

/** Re-delivers the previous step's events this many times (duplicates arriving later). */
export const again = defineStep({
  key: 'again',
  phase: 'events',
  schema: z.number().int().positive(),
  async run(times, ctx) {
    for (let r = 0; r < times; r++) for (const e of ctx.shuffle([...ctx.previous])) await ctx.deliver(e);
    ctx.note(`(${plural(ctx.previous.length, 'earlier event')} delivered again ×${times})`);
    ctx.report();
  },
});
