import type { Policy } from '../config/policy';
import type { Clock } from '../ports/clock';
import { readStatus, type StatusDeps, type StatusOptions } from '../workflows/status';
import type { ControllerStatus } from '../domain/status';

export type StatusPorts = Omit<StatusDeps, 'policy' | 'clock'>;

/**
 * The status reader on `ports`: the state table's adapters for a deployed stage, the embedded
 * backend's after a scenario. Read ports only, so no guardrails: there is no write to guard.
 */
export function wireStatus(
  ports: StatusPorts,
  wiring: { policy: Policy; clock: Clock },
): (options?: StatusOptions) => Promise<ControllerStatus> {
  return (options) => readStatus({ ...ports, ...wiring }, options);
}
