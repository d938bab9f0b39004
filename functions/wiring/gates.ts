import { GateWorkflow, type GateDeps } from '../workflows/gates';
import { wired, type PortsOf, type Wiring } from './context';

export type GatePorts = PortsOf<GateDeps>;

/** The gate workflow on `ports`: the Lambda runtime's AWS ports, `simulate`'s and the tests' memory ports. */
export function wireGates(ports: GatePorts, wiring: Wiring): GateWorkflow {
  return new GateWorkflow(wired<GateDeps>(ports, wiring));
}
