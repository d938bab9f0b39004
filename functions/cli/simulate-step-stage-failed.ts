import * as z from 'zod';
import { stageFailedEvent } from './rollback-envelopes';
import { defineStep } from './simulate-step';

/** A stage execution FAILED event of a pipeline (the stage-retry rules' input). */
export const stageFailed = defineStep({
  key: 'stageFailed',
  phase: 'events',
  schema: z.strictObject({ pipeline: z.string(), stage: z.string(), executionId: z.string() }),
  run: (s, { sim }) => [
    { fn: 'stageRetry', event: stageFailedEvent(s, sim.where()), label: `stage ${s.pipeline}/${s.stage} FAILED` },
  ],
});
