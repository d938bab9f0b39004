/**
 * The guardrails' options (functions/guardrails/): observe mode (global and per rule), the kill
 * switch's cache and where decisions are published. Kept apart from policy.ts so each
 * capability's schema stays small.
 */
import * as z from 'zod';
import { snsTopicArn } from './policy-names';

/** `observe` decides, records and notifies, and makes no write call to the services it controls. */
export const mode = z.enum(['enforce', 'observe'], { error: 'must be enforce or observe' });
export type Mode = z.output<typeof mode>;

export const publishingSchema = z
  .strictObject({
    /** EventBridge bus for `Controller Decision` events (source `mlops.controller`); omitted: none. */
    eventBus: z.string().min(1).max(1600).optional(),
    /**
     * Topic for decisions people should hear about: rejections, holds, rollbacks, quarantines and
     * withheld actions always; routine starts and approvals only with `routine: true`.
     */
    topicArn: snsTopicArn().optional(),
    routine: z.boolean().default(false),
  })
  .default({ routine: false });

export const guardrailsControllerShape = {
  /** Global mode; a rule's own `mode: observe` narrows it, never widens it. */
  mode: mode.default('enforce'),
  /** Seconds the kill switch (a state-table item) is cached per container. */
  killSwitchCacheSeconds: z.number().int().min(0).max(300).default(30),
  decisions: publishingSchema,
};
