/**
 * Retraining asked for by an alarm (a rollback binding with `retrain: <rule>`). The alarm function
 * does not start pipelines: it records a request, one conditional write per alarm transition, and
 * the sweeper (which has the retraining workflow) starts it through the rule's guards on its next
 * tick and settles it. A request is acted on once: a duplicate or concurrent alarm delivery finds
 * it recorded, and of concurrent sweeps only one takes it.
 */
export interface RetrainRequest {
  rule: string;
  /**
   * Names the alarm transition (binding, alarm, the time it entered ALARM): the request's key, so
   * every delivery of one transition is one request, and the pipeline's client request token.
   */
  token: string;
  /** The run's batch id (`alarm-<alarm name>`), sent where the target names a batch-id variable: no batch, retrain on what it has. */
  batchId: string;
  binding: string;
  alarm: string;
  /** The alarm's reason text, carried into the start (or defer) decision. */
  reason: string;
  requestedAt: string;
}

/** A taker that neither started nor settled for this long crashed: its request may be taken again. */
export const STALE_TAKE_MS = 2 * 60_000;

export interface RetrainRequests {
  /** Records the request; false when this (rule, token) is already recorded (a duplicate delivery). */
  request(request: RetrainRequest): Promise<boolean>;
  /** The rule's requests neither settled nor taken within STALE_TAKE_MS, oldest first. */
  pending(rule: string, now: Date): Promise<RetrainRequest[]>;
  /** True for exactly one caller per request until it is settled or its take goes stale. */
  take(rule: string, token: string, now: Date): Promise<boolean>;
  /** What came of it (STARTED, DEFERRED, ...): the request is never pending again. */
  settle(rule: string, token: string, outcome: string, at: Date, executionId?: string): Promise<void>;
}
