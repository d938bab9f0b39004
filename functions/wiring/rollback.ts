import { RollbackWorkflow, type RollbackDeps } from '../workflows/rollback';
import { wired, type PortsOf, type Wiring } from './context';

export type RollbackPorts = PortsOf<RollbackDeps>;

/** The rollback workflow on `ports`: the Lambda runtime's AWS ports, `simulate`'s and the tests' memory ports. */
export function wireRollback(ports: RollbackPorts, wiring: Wiring): RollbackWorkflow {
  return new RollbackWorkflow(wired<RollbackDeps>(ports, wiring));
}
