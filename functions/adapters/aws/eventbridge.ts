/**
 * Decisions as EventBridge events: source `mlops.controller`, detail-type `Controller Decision`.
 * PutEvents takes at most 10 entries whose sizes together stay under 256 KB (the user guide's
 * "Calculating PutEvents event entry size": a request over it fails whole), and reports
 * per-entry failures in a successful response (FailedEntryCount), so those are raised as errors
 * rather than lost.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsCallError, ControllerError } from '../../domain/errors';
import type { Decision } from '../../ports/decision-log';
import type { DecisionEvents } from '../../ports/decision-events';

export const DECISION_SOURCE = 'mlops.controller';
export const DECISION_DETAIL_TYPE = 'Controller Decision';
const MAX_ENTRIES = 10;
/** The entries of one request together stay under this (256 KB). */
const MAX_REQUEST_BYTES = 262_144;
/** Under the 256 KB entry limit with room for the envelope. */
const MAX_DETAIL_BYTES = 200_000;

const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/** An entry's size as EventBridge counts it: Time is 14 bytes; Source, DetailType, Detail and each resource their UTF-8 bytes. */
function entrySize(entry: PutEventsRequestEntry): number {
  return (
    (entry.Time ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, r) => sum + utf8(r), 0)
  );
}

/** Consecutive entries in PutEvents requests: at most 10 each, their sizes together under 256 KB. */
export function putEventsBatches(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    const last = batches.at(-1);
    if (last && last.length < MAX_ENTRIES && bytes + size < MAX_REQUEST_BYTES) {
      last.push(entry);
      bytes += size;
    } else {
      batches.push([entry]);
      bytes = size;
    }
  }
  return batches;
}

/** The exact entry (shared with the memory adapter). */
export function decisionEntry(decision: Decision, eventBus: string): PutEventsRequestEntry {
  let detail = JSON.stringify(decision);
  if (Buffer.byteLength(detail, 'utf8') > MAX_DETAIL_BYTES)
    detail = JSON.stringify({ ...decision, inputs: { truncated: true } });
  return {
    Source: DECISION_SOURCE,
    DetailType: DECISION_DETAIL_TYPE,
    EventBusName: eventBus,
    Resources: [],
    Detail: detail,
    Time: new Date(decision.at),
  };
}

export class EventBridgeDecisionEvents implements DecisionEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBus: string,
  ) {}

  async publish(decisions: readonly Decision[]): Promise<void> {
    for (const entries of putEventsBatches(decisions.map((d) => decisionEntry(d, this.eventBus)))) {
      let response;
      try {
        response = await this.client.send(new PutEventsCommand({ Entries: entries }));
      } catch (error) {
        throw new AwsCallError('events', 'PutEvents', error);
      }
      if ((response.FailedEntryCount ?? 0) > 0) {
        const failed = (response.Entries ?? []).filter((e) => e.ErrorCode);
        throw new ControllerError(
          `events.PutEvents: ${response.FailedEntryCount} of ${entries.length} entries failed (${failed
            .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`)
            .join('; ')})`,
          { retryable: true },
        );
      }
    }
  }
}
