import { RetrainingWorkflow, type RetrainingDeps } from '../workflows/retraining';
import { wired, type PortsOf, type Wiring } from './context';

export type RetrainingPorts = PortsOf<RetrainingDeps>;

/** The retraining workflow on `ports`: the Lambda runtime's AWS ports, `simulate`'s and the tests' memory ports. */
export function wireRetraining(ports: RetrainingPorts, wiring: Wiring): RetrainingWorkflow {
  return new RetrainingWorkflow(wired<RetrainingDeps>(ports, wiring));
}
