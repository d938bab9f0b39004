/**
 * What every parser returns: the commands a handler hands to its workflow, and the records it will
 * not act on, each with where it came from. Parsers are pure (no SDK, no I/O, no clock: the caller
 * passes `now` where an event may lack a time) and never throw on bad input: a Lambda that throws
 * on a malformed record gets it redelivered until it dead-letters.
 */

/** The account and region a record claims or its envelope vouches for: checked against the policy. */
export interface Origin {
  account?: string;
  region?: string;
}

/** The envelope a record arrived in (the outermost one). */
export type Via = 'eventbridge' | 'sqs' | 'sns' | 's3' | 'lambda-action' | 'codedeploy' | 'unknown';

export interface RecordOrigin extends Origin {
  via: Via;
  /**
   * The delivery's own id: the SQS messageId (what a partial batch failure names), the SNS
   * MessageId, the EventBridge event id, or a stable stand-in when the record has none.
   */
  id: string;
}

/** A record that is not acted on, and why. */
export interface Rejected {
  origin: RecordOrigin;
  reason: string;
}

export interface Parsed<C> {
  commands: C[];
  /** Well-formed, but nothing to do (another state, a test event, a delete). */
  skipped: Rejected[];
  /** Not understood: the handler logs and records it, and the delivery is acknowledged. */
  invalid: Rejected[];
}

/** The event's `id` when it has one (EventBridge), else a stand-in. */
export function eventId(event: unknown): string {
  const id = (event as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : 'event';
}

/** `origin` without `via` and `id`: the account and region alone, absent keys left out. */
export function accountAndRegion(origin: Origin): Origin {
  return {
    ...(origin.account !== undefined ? { account: origin.account } : {}),
    ...(origin.region !== undefined ? { region: origin.region } : {}),
  };
}

/** The one invalid record of an event that is not what its handler takes. */
export function notUnderstood<C>(origin: RecordOrigin, reason: string): Parsed<C> {
  return { commands: [], skipped: [], invalid: [{ origin, reason }] };
}

export function one<C>(command: C): Parsed<C> {
  return { commands: [command], skipped: [], invalid: [] };
}
