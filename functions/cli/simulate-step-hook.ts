import * as z from 'zod';
import { hookEvent } from './rollback-envelopes';
import { defineStep } from './simulate-step';

/** CodeDeploy calls the lifecycle hook (BeforeAllowTraffic, AfterAllowTraffic) for a deployment. */
export const hook = defineStep({
  key: 'hook',
  phase: 'events',
  schema: z.strictObject({ deployment: z.string(), execution: z.string().optional() }),
  run: (h) => [
    {
      fn: 'deploymentHook',
      event: hookEvent(h.deployment, h.execution ?? `hook-${h.deployment}`),
      label: `lifecycle hook of ${h.deployment}`,
    },
  ],
});
