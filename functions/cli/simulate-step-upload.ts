import * as z from 'zod';
import type { ObjectRef } from '../domain/objects';
import * as envelopes from './envelopes';
import { plural } from './simulate-render';
import { defineStep } from './simulate-step';
import type { Delivery } from './simulate-world';

const VIAS = ['eventbridge', 'notification', 'sqs', 'sns', 'sns-sqs'] as const;
type Via = (typeof VIAS)[number];

/** Puts objects in the simulated S3 and delivers the S3 events AWS would send for them. */
export const upload = defineStep({
  key: 'upload',
  phase: 'events',
  schema: z.strictObject({
    bucket: z.string(),
    key: z.string().optional(),
    keys: z.array(z.string()).optional(),
    /** With `pattern` ("part-{i}.csv"): that many objects, {i} numbered from 0001. */
    count: z.number().int().positive().optional(),
    pattern: z.string().optional(),
    body: z.string().default(''),
    versioned: z.boolean().default(false),
    via: z.enum(VIAS).default('sqs'),
  }),
  run(u, { sim }) {
    const { world } = sim;
    const keys = [
      ...(u.key ? [u.key] : []),
      ...(u.keys ?? []),
      ...(u.pattern && u.count
        ? Array.from({ length: u.count }, (_, i) => u.pattern!.replace('{i}', String(i + 1).padStart(4, '0')))
        : []),
    ];
    const objects: ObjectRef[] = keys.map((key) => {
      const stored = world.putObject(u.bucket, key, u.body, u.versioned ? world.nextId('v') : undefined);
      return {
        bucket: u.bucket,
        key,
        size: Buffer.byteLength(u.body),
        etag: stored.etag,
        sequencer: world.nextId('seq').replace('seq-', '00'),
        ...(stored.versionId ? { versionId: stored.versionId } : {}),
      };
    });
    return uploadEvents(u.via, objects, sim.where);
  },
});

/** S3 event notifications are one object per event; SQS batches up to 10 messages per invocation. */
function uploadEvents(via: Via, objects: ObjectRef[], where: () => envelopes.Where): Delivery[] {
  const fn = 'dataArrived';
  const label = `${plural(objects.length, 'object event')} via ${via}`;
  switch (via) {
    case 'eventbridge':
      return objects.map((o) => ({ fn, event: envelopes.s3EventBridgeEvent(o, where()), label }));
    case 'notification':
      return objects.map((o) => ({ fn, event: envelopes.s3Notification([o], where()), label }));
    case 'sns':
      return objects.map((o) => ({
        fn,
        event: envelopes.snsEvent(envelopes.s3Notification([o], where()), where()),
        label,
      }));
    case 'sqs':
    case 'sns-sqs': {
      const out: Delivery[] = [];
      for (let i = 0; i < objects.length; i += 10) {
        const bodies = objects.slice(i, i + 10).map((o) => {
          const w = where();
          const notification = envelopes.s3Notification([o], w);
          return { id: w.id, body: via === 'sqs' ? notification : envelopes.snsNotification(notification, w) };
        });
        out.push({ fn, event: envelopes.sqsEvent(bodies, where()), label, unit: 'SQS batch' });
      }
      return out;
    }
  }
}
