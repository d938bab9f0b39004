import type { Policy } from '../config/policy';
import { ControllerError } from '../domain/errors';
import { groupBindings, packageOverride, type OverrideStatus } from '../domain/overrides';
import { writes } from '../domain/writes';
import type { Clock } from '../ports/clock';
import type { DecisionLog } from '../ports/decision-log';
import type { Logger } from '../ports/logger';
import type { ModelRegistry } from '../ports/model-registry';
import { packageLabel } from './gates';
import { packageDecisionClaim, setStatusCommitted } from './package-claim';
import { Recorder } from './recorder';

export interface PackageOverrideDeps {
  policy: Policy;
  registry: ModelRegistry;
  decisions: DecisionLog;
  clock: Clock;
  logger: Logger;
}

/** A person's approve/reject of one package. */
export interface PackageOverrideRequest {
  arn: string;
  status: OverrideStatus;
  reason: string;
  by: string;
}

export type PackageOverrideResult =
  /** The decision is recorded (its UpdateModelPackage taken, or withheld: see the decision's actions). */
  | { outcome: 'APPROVE' | 'REJECT'; notes: string[] }
  /** Already in the requested status: nothing recorded, nothing written. */
  | { outcome: 'UNCHANGED'; reason: string }
  /** Another decision on the package (the registry gate, another person) holds its claim now. */
  | { outcome: 'BUSY'; reason: string };

/** What the approval says, as the gates' descriptions do: who, why, through which command. */
export const overrideDescription = (r: PackageOverrideRequest): string =>
  `${r.status} by ${r.by.trim()} (mlops-controller ${r.status === 'Approved' ? 'approve' : 'reject'}): ${r.reason.trim()}`;

/**
 * `mlops-controller approve|reject <package-arn>`: the registry gate's decision made by a person.
 * It takes the gate's claim on the package (workflows/package-claim.ts) in the same write as its
 * record, so a gate deciding the same package at the same moment and this command cannot both set
 * the status: the loser writes nothing (the gate's retried delivery then finds the status set).
 */
export class PackageOverrideWorkflow {
  private readonly recorder: Recorder;

  constructor(private readonly deps: PackageOverrideDeps) {
    this.recorder = new Recorder(deps, 'gate.ignore');
  }

  async decide(request: PackageOverrideRequest): Promise<PackageOverrideResult> {
    const { arn, status } = request;
    const pkg = await this.deps.registry.describe(arn);
    if (!pkg) throw new ControllerError(`model package ${arn} does not exist: nothing done`);
    const label = packageLabel(pkg);
    const bindings = groupBindings(this.deps.policy, pkg.group);
    // Only rejecting an Approved package can take the group's live one; the champion is read for that alone.
    const champion =
      status === 'Rejected' && pkg.status === 'Approved'
        ? (await this.deps.registry.listByStatus(pkg.group, 'Approved', 1))[0]?.arn
        : undefined;
    const verdict = packageOverride({
      requested: status,
      arn,
      label,
      group: pkg.group,
      current: pkg.status,
      ...(pkg.approvalDescription ? { currentDescription: pkg.approvalDescription } : {}),
      bindings,
      ...(champion ? { champion } : {}),
    });
    if (verdict.phase === 'refuse') throw new ControllerError(`${verdict.reason}: nothing done`);
    if (verdict.phase === 'unchanged') return { outcome: 'UNCHANGED', reason: verdict.reason };
    const description = overrideDescription(request);
    const outcome = status === 'Approved' ? 'APPROVE' : 'REJECT';
    const committed = await this.recorder.commit(
      {
        kind: 'gate.override',
        subject: arn,
        outcome,
        reasons: [description, ...verdict.notes],
        inputs: {
          origin: 'operator',
          by: request.by.trim(),
          reason: request.reason.trim(),
          from: pkg.status,
          group: pkg.group,
          gates: bindings.gates,
          ...(champion ? { champion } : {}),
        },
      },
      packageDecisionClaim(arn),
      [writes.updateModelPackage(arn)],
    );
    if (!committed)
      return {
        outcome: 'BUSY',
        reason: `another decision on ${label} (its gate or another person) is being made now: nothing done; run the command again in a minute to see where it stands`,
      };
    await setStatusCommitted(this.deps.registry, committed, arn, status, description);
    return { outcome, notes: verdict.notes };
  }
}
