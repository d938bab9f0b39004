import * as z from 'zod/mini';
import { keyProblem, type ObjectRef } from '../domain/objects';
import { describeIssues } from '../domain/validation';
import type { Origin, Parsed, RecordOrigin, Via } from './parsed';

/**
 * Every way "an object was created" reaches us (EventBridge, S3 notifications, SNS, SQS,
 * SNS-in-SQS), flattened into deliveries. One SQS record is one delivery, so a bad record is
 * reported alone (partial batch failure) and never replays the good ones. The schemas are
 * deliberately lenient outside the fields we use: Powertools' S3 record schema insists on an IPv4
 * `sourceIPAddress`, which dual-stack uploads do not have.
 */
export interface ObjectsDelivered {
  /** `id` is the SQS messageId, SNS MessageId, EventBridge id, or `record-<i>`. */
  origin: RecordOrigin;
  /** Empty when every record of the delivery was skipped: its origin is still checked. */
  objects: ObjectRef[];
}

/** One delivery as read: the objects it announces, or why it could not be understood. */
interface Delivery {
  origin: RecordOrigin;
  objects: ObjectRef[];
  /** Records that were valid but not object creations (tests, deletes): why they were skipped. */
  skipped: string[];
  invalid?: string;
}

const eventBridgeS3 = z.object({
  id: z.string(),
  source: z.literal('aws.s3'),
  'detail-type': z.string(),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number().check(z.nonnegative())),
      etag: z.optional(z.string()),
      'version-id': z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

const notificationRecord = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  awsRegion: z.optional(z.string()),
  eventTime: z.optional(z.string()),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number().check(z.nonnegative())),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

const sqsRecord = z.object({
  eventSource: z.literal('aws:sqs'),
  messageId: z.string(),
  body: z.string(),
  eventSourceARN: z.optional(z.string()),
});

const snsRecord = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({ MessageId: z.optional(z.string()), Message: z.string(), TopicArn: z.optional(z.string()) }),
});

/** S3 notification keys are form-encoded: `+` is a space. */
export function decodeNotificationKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function arnAccount(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstIssue(error: z.core.$ZodError): string {
  return describeIssues(error, { limit: 1 }) || 'invalid';
}

function nothing(id: string, via: Via, origin: Origin = {}, invalid?: string): Delivery {
  return { origin: { via, id, ...origin }, objects: [], skipped: [], ...(invalid ? { invalid } : {}) };
}

/** The envelope of an event Lambda received as is. */
function topLevelVia(p: Record<string, unknown>): Via {
  if (p.source === 'aws.s3') return 'eventbridge';
  if (p.Type === 'Notification') return 'sns';
  return Array.isArray(p.Records) || p.Event === 's3:TestEvent' ? 's3' : 'unknown';
}

/**
 * Parses a payload that carries S3 object-created information (no envelope); `via` is the
 * envelope it came in, undefined when Lambda received the payload itself.
 */
function fromPayload(payload: unknown, id: string, via: Via | undefined, outer: Origin): Delivery {
  if (typeof payload !== 'object' || payload === null) return nothing(id, via ?? 'unknown', outer, 'not a JSON object');
  const p = payload as Record<string, unknown>;
  const envelope = via ?? topLevelVia(p);
  const empty = (invalid?: string): Delivery => nothing(id, envelope, outer, invalid);
  const at = (origin: Origin): RecordOrigin => ({ via: envelope, id, ...origin });

  if (p.source === 'aws.s3') {
    const eb = eventBridgeS3.safeParse(p);
    if (!eb.success) return empty(`S3 EventBridge event: ${firstIssue(eb.error)}`);
    const e = eb.data;
    const origin = at({ account: e.account ?? outer.account, region: e.region ?? outer.region });
    if (e['detail-type'] !== 'Object Created')
      return { ...empty(), origin, skipped: [`detail-type "${e['detail-type']}" is not Object Created`] };
    const o = e.detail.object;
    if (o.size === undefined) return { ...empty('S3 EventBridge event: detail.object.size: required'), origin };
    const badKey = keyProblem(o.key);
    if (badKey) return { ...empty(`S3 EventBridge event: detail.object.key: ${badKey}`), origin };
    return {
      ...empty(),
      origin,
      objects: [
        {
          bucket: e.detail.bucket.name,
          key: o.key,
          size: o.size,
          ...(o.etag ? { etag: o.etag } : {}),
          ...(o['version-id'] ? { versionId: o['version-id'] } : {}),
          ...(o.sequencer ? { sequencer: o.sequencer } : {}),
          ...(e.time ? { eventTime: e.time } : {}),
        },
      ],
    };
  }

  if (p.Event === 's3:TestEvent')
    return { ...empty(), skipped: ['s3:TestEvent (sent when a notification is configured)'] };

  if (Array.isArray(p.Records)) {
    if (p.Records.length === 0) return empty('Records is empty');
    const delivery = empty();
    for (const [i, raw] of p.Records.entries()) {
      const rec = notificationRecord.safeParse(raw);
      if (!rec.success) return empty(`Records[${i}]: ${firstIssue(rec.error)}`);
      const r = rec.data;
      if (r.awsRegion) delivery.origin = { ...delivery.origin, region: r.awsRegion };
      if (!r.eventName.startsWith('ObjectCreated:')) {
        delivery.skipped.push(`Records[${i}]: ${r.eventName} is not an object creation`);
        continue;
      }
      const o = r.s3.object;
      if (o.size === undefined) return empty(`Records[${i}].s3.object.size: required`);
      let key: string;
      try {
        key = decodeNotificationKey(o.key);
      } catch {
        return empty(`Records[${i}].s3.object.key: not a valid URL-encoded key`);
      }
      const badKey = keyProblem(key);
      if (badKey) return empty(`Records[${i}].s3.object.key: ${badKey}`);
      delivery.objects.push({
        bucket: r.s3.bucket.name,
        key,
        size: o.size,
        ...(o.eTag ? { etag: o.eTag } : {}),
        ...(o.versionId ? { versionId: o.versionId } : {}),
        ...(o.sequencer ? { sequencer: o.sequencer } : {}),
        ...(r.eventTime ? { eventTime: r.eventTime } : {}),
      });
    }
    return delivery;
  }

  // SNS notification JSON as SQS delivers it (raw message delivery off).
  if (p.Type === 'Notification' && typeof p.Message === 'string') {
    const inner = parseJson(p.Message);
    if (inner === undefined) return empty('SNS Message is not JSON');
    return fromPayload(inner, id, envelope, { ...outer, account: arnAccount(p.TopicArn as string) ?? outer.account });
  }

  return empty('not an S3 object-created event (unknown shape)');
}

/** Every supported Lambda input, one delivery per SQS or SNS record. */
function deliveries(event: unknown): Delivery[] {
  if (typeof event !== 'object' || event === null) return [nothing('event', 'unknown', {}, 'event is not an object')];
  const records = (event as { Records?: unknown }).Records;
  if (Array.isArray(records) && records.length > 0) {
    const first = records[0] as Record<string, unknown> | undefined;
    if (first?.eventSource === 'aws:sqs') {
      return records.map((raw, i) => {
        const rec = sqsRecord.safeParse(raw);
        if (!rec.success) return nothing(`record-${i}`, 'sqs', {}, `SQS record: ${firstIssue(rec.error)}`);
        const body = parseJson(rec.data.body);
        const origin = { account: arnAccount(rec.data.eventSourceARN) };
        if (body === undefined) return nothing(rec.data.messageId, 'sqs', origin, 'SQS body is not JSON');
        return fromPayload(body, rec.data.messageId, 'sqs', origin);
      });
    }
    if (first?.EventSource === 'aws:sns') {
      return records.map((raw, i) => {
        const rec = snsRecord.safeParse(raw);
        if (!rec.success) return nothing(`record-${i}`, 'sns', {}, `SNS record: ${firstIssue(rec.error)}`);
        const message = parseJson(rec.data.Sns.Message);
        const id = rec.data.Sns.MessageId ?? `record-${i}`;
        const origin = { account: arnAccount(rec.data.Sns.TopicArn) };
        if (message === undefined) return nothing(id, 'sns', origin, 'SNS Message is not JSON');
        return fromPayload(message, id, 'sns', origin);
      });
    }
  }
  const id = typeof (event as { id?: unknown }).id === 'string' ? (event as { id: string }).id : 'event';
  return [fromPayload(event, id, undefined, {})];
}

/**
 * Any supported Lambda input as deliveries of objects. A delivery that is invalid is one invalid
 * record; each record a delivery skips (deletes, the S3 test event) is one skipped record beside the
 * delivery itself.
 */
export function parseS3(event: unknown): Parsed<ObjectsDelivered> {
  const out: Parsed<ObjectsDelivered> = { commands: [], skipped: [], invalid: [] };
  for (const d of deliveries(event)) {
    if (d.invalid) {
      out.invalid.push({ origin: d.origin, reason: d.invalid });
      continue;
    }
    for (const reason of d.skipped) out.skipped.push({ origin: d.origin, reason });
    out.commands.push({ origin: d.origin, objects: d.objects });
  }
  return out;
}
