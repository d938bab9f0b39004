/**
 * `status --scenario <file>`: the embedded backend's state at the end of a scenario (its simulated
 * clock), read by the same reader a deployed stage's status uses.
 */
import type { ControllerStatus } from '../domain/status';
import type { StatusOptions } from '../workflows/status';
import { wireStatus } from '../wiring/status';
import { simulate } from './simulate';

/** The embedded backend's status at the end of the scenario (its simulated clock). */
export async function statusOfScenario(file: string, options: StatusOptions = {}): Promise<ControllerStatus> {
  const { state } = await simulate(file);
  const { policy, clock, ...ports } = state;
  return wireStatus(ports, { policy, clock })(options);
}
