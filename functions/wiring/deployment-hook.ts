import { DeploymentHookWorkflow, type HookDeps } from '../workflows/deployment-hook';
import { wired, type PortsOf, type Wiring } from './context';

export type HookPorts = PortsOf<HookDeps>;

/** The lifecycle hook workflow on `ports`: the Lambda runtime's AWS ports, `simulate`'s and the tests' memory ports. */
export function wireDeploymentHook(ports: HookPorts, wiring: Wiring): DeploymentHookWorkflow {
  return new DeploymentHookWorkflow(wired<HookDeps>(ports, wiring));
}
