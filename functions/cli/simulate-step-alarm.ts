import * as z from 'zod';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import { alarmArn, alarmEvent } from './rollback-envelopes';
import { defineStep } from './simulate-step';

/** An alarm changes state (the world's alarm follows) and its event is delivered. */
export const alarm = defineStep({
  key: 'alarm',
  phase: 'events',
  schema: z.strictObject({
    name: z.string(),
    state: z.string().default('ALARM'),
    via: z.enum(['eventbridge', 'lambda-action', 'sns']).default('eventbridge'),
    kind: z.enum(['single-metric', 'metric-math', 'composite']).default('single-metric'),
  }),
  run(a, { sim }) {
    const alarms = rollbackWorld(sim.world).alarms;
    const known = alarms.get(a.name);
    const previous = known?.state ?? 'INSUFFICIENT_DATA';
    if (known) known.state = a.state;
    else alarms.set(a.name, { state: a.state, arn: alarmArn(sim, a.name), tags: {} });
    return [
      {
        fn: 'alarmRollback',
        event: alarmEvent(a, sim.where(), previous),
        label: `alarm ${a.name} → ${a.state} via ${a.via}`,
      },
    ];
  },
});
