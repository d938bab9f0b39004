import type { EndpointConfigSeen } from '../../domain/rollback';
import type { Freeze, IncidentFindings, Recheck, RollbackStore } from '../../ports/rollback-store';

/** The rollback store in memory; single-threaded JS makes each method atomic, as DynamoDB's conditions do. */
export class MemoryRollbackStore implements RollbackStore {
  private readonly history = new Map<string, EndpointConfigSeen[]>();
  private readonly rechecks = new Map<string, Recheck>();
  private readonly frozen = new Map<string, Freeze>();
  private readonly attempts = new Map<string, { attempts: number; events: Set<string> }>();

  private readonly rollbacks = new Map<string, Map<string, string>>();
  private readonly incidents = new Map<string, Map<string, IncidentFindings>>();

  async endpointHistory(endpoint: string): Promise<EndpointConfigSeen[]> {
    const marks = this.rollbacks.get(endpoint) ?? new Map<string, string>();
    const restored = new Set(marks.values());
    return structuredClone((this.history.get(endpoint) ?? []).slice(-20)).map((h) => ({
      ...h,
      ...(marks.has(h.config) ? { bad: true } : {}),
      ...(restored.has(h.config) ? { restored: true } : {}),
    }));
  }

  async markRollback(endpoint: string, bad: string, restored: string): Promise<void> {
    this.rollbacks.set(endpoint, (this.rollbacks.get(endpoint) ?? new Map()).set(bad, restored));
  }

  async recordInService(endpoint: string, seen: EndpointConfigSeen): Promise<boolean> {
    const list = this.history.get(endpoint) ?? [];
    if (list.some((h) => h.config === seen.config && h.at === seen.at)) return false;
    list.push(structuredClone(seen));
    list.sort((a, b) => a.at.localeCompare(b.at) || a.config.localeCompare(b.config));
    this.history.set(endpoint, list);
    return true;
  }

  async pendingRechecks() {
    return [...this.rechecks.values()].map((r) => ({ ...r }));
  }

  async putRecheck(recheck: Recheck): Promise<void> {
    if (!this.rechecks.has(recheck.endpoint)) this.rechecks.set(recheck.endpoint, { ...recheck });
  }

  async clearRecheck(endpoint: string): Promise<void> {
    this.rechecks.delete(endpoint);
  }

  async putFreeze(freeze: Freeze): Promise<void> {
    const key = `${freeze.pipeline}#${freeze.stage}`;
    const was = this.frozen.get(key);
    const { okSince: _ok, ...fresh } = structuredClone(freeze);
    this.frozen.set(
      key,
      was
        ? { ...fresh, binding: was.binding, since: was.since, alarms: [...new Set([...was.alarms, ...freeze.alarms])] }
        : fresh,
    );
  }

  async freezes(): Promise<Freeze[]> {
    return [...this.frozen.values()].map((f) => structuredClone(f));
  }

  async markOk(pipeline: string, stage: string, okSince: string | undefined): Promise<void> {
    const f = this.frozen.get(`${pipeline}#${stage}`);
    if (!f) return;
    if (okSince) f.okSince = okSince;
    else delete f.okSince;
  }

  async clearFreeze(pipeline: string, stage: string): Promise<void> {
    this.frozen.delete(`${pipeline}#${stage}`);
  }

  async recordFindings(incident: string, found: IncidentFindings): Promise<void> {
    const targets = this.incidents.get(incident) ?? new Map<string, IncidentFindings>();
    if (!targets.has(found.target)) targets.set(found.target, structuredClone(found));
    this.incidents.set(incident, targets);
  }

  async findings(incident: string): Promise<IncidentFindings[]> {
    return [...(this.incidents.get(incident)?.values() ?? [])].map((f) => structuredClone(f));
  }

  async countAttempt(key: string, eventId: string, max: number): Promise<number | 'duplicate' | 'exhausted'> {
    const a = this.attempts.get(key) ?? { attempts: 0, events: new Set<string>() };
    if (a.events.has(eventId)) return 'duplicate';
    if (a.attempts >= max) return 'exhausted';
    a.attempts += 1;
    a.events.add(eventId);
    this.attempts.set(key, a);
    return a.attempts;
  }
}
