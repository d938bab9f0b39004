import { PackageOverrideWorkflow, type PackageOverrideDeps } from '../workflows/package-override';
import { wired, type PortsOf, type Wiring } from './context';

export type PackageOverridePorts = PortsOf<PackageOverrideDeps>;

/** A person's approve/reject on `ports`: the CLI's AWS ports, the tests' memory ports. */
export function wirePackageOverride(ports: PackageOverridePorts, wiring: Wiring): PackageOverrideWorkflow {
  return new PackageOverrideWorkflow(wired<PackageOverrideDeps>(ports, wiring));
}
