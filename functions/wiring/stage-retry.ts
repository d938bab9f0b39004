import { StageRetryWorkflow, type StageRetryDeps } from '../workflows/stage-retry';
import { wired, type PortsOf, type Wiring } from './context';

export type StageRetryPorts = PortsOf<StageRetryDeps>;

/** The stage retry workflow on `ports`: the Lambda runtime's AWS ports, `simulate`'s and the tests' memory ports. */
export function wireStageRetry(ports: StageRetryPorts, wiring: Wiring): StageRetryWorkflow {
  return new StageRetryWorkflow(wired<StageRetryDeps>(ports, wiring));
}
