import type { EndpointConfigSeen } from '../domain/rollback';

export interface Recheck {
  endpoint: string;
  binding: string;
  alarm: string;
  since: string;
  /** The config the endpoint served while Updating: settling back on it means nothing new went live. */
  config: string;
  /** The status then (absent on re-checks recorded before it was kept): maintenance changes no config. */
  status?: string;
}

export interface Freeze {
  pipeline: string;
  stage: string;
  binding: string;
  alarms: string[];
  since: string;
  /** Set when every bound alarm went back to OK: auto-unfreeze counts from here. */
  okSince?: string;
}

/**
 * What an alarm episode's rollback step found before it acted: the retried delivery still knows
 * which package to reject when the plan has since become "nothing to roll back".
 */
export interface IncidentFindings {
  /** The rollback target: `codedeploy:<application>/<group>` or `endpoint:<name>`. */
  target: string;
  /** The bad version: deployment ids joined by `+`, or the endpoint config rolled back from. */
  version: string;
  /** Model package ARNs that version served. */
  packages: string[];
}

/**
 * Rollback state on the state table. The one-rollback-per-(target, bad version) guard is not here:
 * it is the rollback decision's own commit (DecisionLog.commit), record and claim in one write.
 */
export interface RollbackStore {
  /** Configs seen InService on an endpoint (newest last, bounded). */
  endpointHistory(endpoint: string): Promise<EndpointConfigSeen[]>;
  /** Records a rollback from `bad` to `restored` (history entries come back flagged `bad` / `restored`). */
  markRollback(endpoint: string, bad: string, restored: string): Promise<void>;
  /** Records a config seen InService; false if this (config, time) is already recorded. */
  recordInService(endpoint: string, seen: EndpointConfigSeen): Promise<boolean>;
  /** Endpoints found Updating when an alarm fired, with the config they served then. */
  pendingRechecks(): Promise<Recheck[]>;
  /** First sighting wins. */
  putRecheck(recheck: Recheck): Promise<void>;
  clearRecheck(endpoint: string): Promise<void>;
  /**
   * Records a freeze. A stage already frozen keeps its first `since` and binding and adds the
   * alarms (every alarm that froze it must be OK before it thaws by itself); okSince is cleared.
   */
  putFreeze(freeze: Freeze): Promise<void>;
  freezes(): Promise<Freeze[]>;
  markOk(pipeline: string, stage: string, okSince: string | undefined): Promise<void>;
  clearFreeze(pipeline: string, stage: string): Promise<void>;
  /** Keeps `found` with the incident (binding, alarm, time it entered ALARM); the first per target stays. */
  recordFindings(incident: string, found: IncidentFindings): Promise<void>;
  /** Everything the incident's rollback steps found, one entry per target. */
  findings(incident: string): Promise<IncidentFindings[]>;
  /**
   * Counts one retry attempt of (pipeline, execution, stage) for the event `eventId`. Returns the
   * attempt number, 'duplicate' if that event was already counted, or 'exhausted' at `max`.
   */
  countAttempt(key: string, eventId: string, max: number): Promise<number | 'duplicate' | 'exhausted'>;
}
