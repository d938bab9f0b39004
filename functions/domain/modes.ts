/**
 * Which mode governs one write call: the global mode, narrowed by the mode of every policy rule that
 * binds the resource the call writes. Observe wins: a resource bound by an observing rule is never
 * written, even when another rule binding it enforces.
 */
import type { Policy, TargetType } from '../config/policy';
import { packageGroupName } from './arns';
import type { Mode } from '../config/policy-guardrails';

export type WriteTarget =
  | { kind: 'pipeline'; type: TargetType; name: string }
  | { kind: 'modelPackage'; group: string }
  | { kind: 'approval'; pipeline: string; stage: string; action: string }
  | { kind: 'deploymentGroup'; application: string; group: string }
  | { kind: 'endpoint'; name: string }
  | { kind: 'stageTransition'; pipeline: string; stage: string }
  | { kind: 'stageRetry'; pipeline: string; stage: string }
  | { kind: 'hook'; application: string; group: string };

export interface ModeVerdict {
  mode: Mode;
  /** Policy paths that made the call observe-only (`controller.mode`, `gates[0].mode`). */
  because: string[];
}

/** `arn:aws:sagemaker:r:a:model-package/<group>/<version>` → group. */
export function packageGroupOf(arn: string): string | undefined {
  return /:model-package\/([^/]+)\/\d+$/.exec(arn)?.[1];
}

export function modeFor(policy: Policy, target: WriteTarget): ModeVerdict {
  const because: string[] = [];
  if (policy.controller.mode === 'observe') because.push('controller.mode');
  const add = <T extends { mode?: Mode | undefined }>(
    section: string,
    items: readonly T[],
    binds: (item: T) => boolean,
  ) => items.forEach((item, i) => binds(item) && item.mode === 'observe' && because.push(`${section}[${i}].mode`));
  switch (target.kind) {
    case 'pipeline': {
      const rules = policy.retraining.filter((r) => r.target.type === target.type && r.target.name === target.name);
      add('retraining', policy.retraining, (r) => rules.includes(r));
      const names = new Set(rules.map((r) => r.name));
      add('rollback', policy.rollback, (b) => b.retrain !== undefined && names.has(b.retrain));
      break;
    }
    case 'modelPackage':
      add('gates', policy.gates, (g) => g.modelPackageGroup === target.group);
      // As the rollback workflow attributes a live package to its binding (rejecting it): ignoring
      // case, so a binding in observe mode governs every package the rollback would reject for it.
      add(
        'rollback',
        policy.rollback,
        (b) =>
          b.modelPackageGroup !== undefined &&
          packageGroupName(b.modelPackageGroup).toLowerCase() === target.group.toLowerCase(),
      );
      break;
    case 'approval':
      add('gates', policy.gates, (g) =>
        g.approvals.some(
          (a) => a.pipeline === target.pipeline && a.stage === target.stage && a.action === target.action,
        ),
      );
      break;
    case 'deploymentGroup':
      add(
        'rollback',
        policy.rollback,
        (b) => b.codedeploy?.application === target.application && b.codedeploy.deploymentGroup === target.group,
      );
      break;
    case 'endpoint':
      add('rollback', policy.rollback, (b) => b.endpoint?.name === target.name);
      break;
    case 'stageTransition':
      add(
        'rollback',
        policy.rollback,
        (b) => b.freeze?.pipeline === target.pipeline && b.freeze.stage === target.stage,
      );
      break;
    case 'stageRetry':
      add('stageRetry', policy.stageRetry, (r) => r.pipeline === target.pipeline && r.stages.includes(target.stage));
      break;
    case 'hook':
      add(
        'hooks',
        policy.hooks,
        (h) => h.application === target.application && (h.deploymentGroup ?? target.group) === target.group,
      );
      break;
  }
  return { mode: because.length > 0 ? 'observe' : 'enforce', because };
}

/** Why the policy's modes withhold a write to `target`, if they do (the guardrails' and whatif's words). */
export function observeWhy(policy: Policy, target: WriteTarget): string | undefined {
  const verdict = modeFor(policy, target);
  return verdict.mode === 'observe' ? `observe (${verdict.because.join(', ')})` : undefined;
}
