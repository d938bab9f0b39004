/**
 * Decisions as EventBridge events: source `mlops.controller`, detail-type `Controller Decision`.
 * PutEvents takes at most 10 entries of at most 256 KB each, and reports per-entry failures in a
 * successful response (FailedEntryCount), so those are raised as errors rather than lost.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsCallError, ControllerError } from '../../domain/errors';
import type { Decision } from '../../ports/decision-log';
import type { DecisionEvents } from '../../ports/decision-events';

export const DECISION_SOURCE = 'mlops.controller';
export const DECISION_DETAIL_TYPE = 'Controller Decision';
const MAX_ENTRIES = 10;
/** Under the 256 KB entry limit with room for the envelope. */
const MAX_DETAIL_BYTES = 200_000;

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
    for (let i = 0; i < decisions.length; i += MAX_ENTRIES) {
      const entries = decisions.slice(i, i + MAX_ENTRIES).map((d) => decisionEntry(d, this.eventBus));
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
