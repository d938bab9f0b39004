import type { RollbackBinding } from '../../config/policy-rollback';
import type { AlarmChange } from '../../parsing/alarm';
import { packageGroupName } from '../../domain/arns';
import { writes } from '../../domain/writes';
import { once, reasonText, type Incident, type RollbackFlow } from './flow';

/**
 * Rejects the packages the rollback steps found live, each once however many alarms and
 * deliveries find it (a claim per package). Nothing found bad, nothing to reject.
 */
export async function rejectLive(
  flow: RollbackFlow,
  binding: RollbackBinding,
  change: AlarmChange,
  incident: Incident,
): Promise<void> {
  const { found } = incident;
  if (found.length === 0) return;
  const group = packageGroupName(binding.modelPackageGroup!).toLowerCase();
  const seen = [...new Set(found.flatMap((f) => f.packages))];
  const mine = seen.filter((arn) => arn.toLowerCase().includes(`:model-package/${group}/`));
  const badVersions = found.map((f) => f.version);
  const base = { kind: 'rollback.package', subject: `${binding.name}/${binding.modelPackageGroup}` };
  if (mine.length === 0)
    return flow.recorder.record({
      ...base,
      outcome: 'UNKNOWN_LIVE_PACKAGE',
      reasons: [reasonText(change), `the rolled-back version names no package of group ${binding.modelPackageGroup}`],
      inputs: { badVersions, seen },
    });
  const failures: unknown[] = [];
  for (const arn of mine) {
    const reasons = [
      reasonText(change),
      `${arn} was live when the ${change.via === 'judgment' ? 'judgment failed' : 'alarm fired'}`,
    ];
    const inputs = { modelPackageArn: arn, badVersions };
    // Once per (package, bad version) however many alarms found it, held as long as a delivery
    // may still act; one package's failure does not keep the others from being rejected.
    const version = [...new Set(found.filter((f) => f.packages.includes(arn)).map((f) => f.version))].sort();
    await once(
      flow,
      `package:${arn}`,
      version.join('+'),
      { ...base, outcome: 'REJECTED', reasons, inputs },
      [writes.updateModelPackage(arn)],
      () => flow.packages.reject(arn, `Rejected by mlops-controller rollback: ${reasonText(change)}`),
      binding.staleAfterSeconds,
    ).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}
