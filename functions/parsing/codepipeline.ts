import * as z from 'zod/mini';
import { eventId, notUnderstood, one, type Parsed } from './parsed';

/** "CodePipeline Stage Execution State Change", any state: the stage retry decides on FAILED. */
export interface StageFailure {
  id: string;
  pipeline: string;
  stage: string;
  executionId: string;
  state: string;
  account?: string;
  region?: string;
}

const stageEvent = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Stage Execution State Change'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipeline: z.string().check(z.minLength(1)),
    stage: z.string().check(z.minLength(1)),
    'execution-id': z.string().check(z.minLength(1)),
    state: z.string().check(z.minLength(1)),
  }),
});

export function parseStageChange(event: unknown): Parsed<StageFailure> {
  const parsed = stageEvent.safeParse(event);
  if (!parsed.success)
    return notUnderstood({ via: 'unknown', id: eventId(event) }, 'not a CodePipeline stage execution state change');
  const e = parsed.data;
  return one({
    id: e.id,
    pipeline: e.detail.pipeline,
    stage: e.detail.stage,
    executionId: e.detail['execution-id'],
    state: e.detail.state,
    ...(e.account ? { account: e.account } : {}),
    ...(e.region ? { region: e.region } : {}),
  });
}
