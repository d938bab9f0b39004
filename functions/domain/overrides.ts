/**
 * A person's overrides (`mlops-controller rollback`, `approve`, `reject`): what their arguments
 * must be, and what an approval override does to one package. Pure: the workflows read the
 * package and the champion, and act on the verdict.
 */
import { createHash } from 'node:crypto';
import type { Policy } from '../config/policy';
import { packageGroupName } from './arns';

/**
 * The reason ends up in ApprovalDescription (≤ 1024 with its prefix), a CodeDeploy description
 * and DisableStageTransition's reason (≤ 300, cut by the adapter): 500 keeps the first two whole.
 */
export const OVERRIDE_REASON_MAX = 500;

/** UpdateModelPackage's ModelPackageArn of a versioned package (the SageMaker service model's pattern, narrowed to versions). */
const VERSIONED_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\/\d+$/;

/** What is wrong with `--reason`, if anything. */
export function reasonProblem(reason: string | undefined): string | undefined {
  const text = reason?.trim() ?? '';
  if (text.length === 0) return '--reason must say why (it is recorded with the decision and sent to AWS)';
  if (text.length > OVERRIDE_REASON_MAX)
    return `--reason is ${text.length} characters; write at most ${OVERRIDE_REASON_MAX}`;
  return undefined;
}

/** What is wrong with who acts (`--by`, else the login name), if anything. */
export function operatorProblem(by: string | undefined): string | undefined {
  const text = by?.trim() ?? '';
  if (text.length === 0) return '--by must name who acts (default: $USER, which is not set)';
  if (text.length > 100) return `--by is ${text.length} characters; write at most 100`;
  return undefined;
}

/** What is wrong with a package ARN given to approve/reject, if anything. */
export function packageArnProblem(arn: string): string | undefined {
  return VERSIONED_PACKAGE_ARN.test(arn)
    ? undefined
    : `${arn} is not a versioned model package ARN: write arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`;
}

/**
 * One operator rollback request: the same binding, person and reason is the same request (a re-run
 * of the command after a timeout or a lost terminal must not roll back twice); a new reason is a new one.
 */
export function operatorRequestId(binding: string, by: string, reason: string): string {
  return createHash('sha256').update(`${binding}\u0000${by.trim()}\u0000${reason.trim()}`).digest('hex').slice(0, 24);
}

export type OverrideStatus = 'Approved' | 'Rejected';

/** The policy's bindings of the package's group: the gates that judge it, the rollbacks that reject it. */
export interface GroupBindings {
  gates: string[];
  rollbacks: string[];
}

/** Gates and rollback bindings naming `group` (rollback ignores case, as it attributes packages). */
export function groupBindings(policy: Pick<Policy, 'gates' | 'rollback'>, group: string): GroupBindings {
  return {
    gates: policy.gates.filter((g) => g.modelPackageGroup === group).map((g) => g.name),
    rollbacks: policy.rollback
      .filter(
        (b) =>
          b.modelPackageGroup !== undefined &&
          packageGroupName(b.modelPackageGroup).toLowerCase() === group.toLowerCase(),
      )
      .map((b) => b.name),
  };
}

export type OverrideVerdict =
  /** Set the status; `notes` say what it means beyond the registry. */
  | { phase: 'act'; status: OverrideStatus; notes: string[] }
  /** Nothing to do: the package already has the status. */
  | { phase: 'unchanged'; reason: string }
  /** Not the controller's to change: no gate or rollback binding names the group. */
  | { phase: 'refuse'; reason: string };

export function packageOverride(input: {
  requested: OverrideStatus;
  label: string;
  group: string;
  current: string;
  currentDescription?: string;
  bindings: GroupBindings;
  /** The group's newest Approved package (the one its deploy step serves), read only when rejecting an Approved one. */
  champion?: string;
  arn: string;
}): OverrideVerdict {
  const { requested, label, group, current, bindings } = input;
  if (bindings.gates.length === 0 && bindings.rollbacks.length === 0)
    return {
      phase: 'refuse',
      reason: `group ${group} is named by no gate and no rollback binding of the policy: ${label} is not the controller's to decide`,
    };
  if (current === requested)
    return {
      phase: 'unchanged',
      reason: `${label} is already ${requested}${input.currentDescription ? ` (${input.currentDescription})` : ''}: nothing to do`,
    };
  const notes: string[] = [];
  if (requested === 'Approved' && current === 'Rejected') notes.push(`overrides the rejection of ${label}`);
  if (requested === 'Rejected' && input.champion === input.arn)
    notes.push(
      `${label} is the newest Approved package of ${group}, the one its deployment serves and the gates' champion: ` +
        'rejecting it in the registry rolls nothing back (a rollback runs on an alarm or `mlops-controller rollback`' +
        `${bindings.rollbacks.length > 0 ? `, here: ${bindings.rollbacks.join(', ')}` : '; no rollback binding names this group'}), ` +
        'and the next newest Approved package becomes the champion',
    );
  return { phase: 'act', status: requested, notes };
}
