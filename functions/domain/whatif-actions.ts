/**
 * What observe mode would withhold under a changed policy: each write a record took or withheld,
 * judged again by the modes (observeWhy, the guardrails' own function) on the resource it wrote.
 * The kill switch is no policy's: a write it withheld stays withheld. A write observe mode withheld
 * was never held to the switch (the guard asks the modes first), so one the new policy would make
 * is "taken unless the switch was paused then", said as such.
 */
import type { Policy } from '../config/policy';
import type { ActionRecord, Decision } from '../ports/decision-log';
import { observeWhy, packageGroupOf, type WriteTarget } from './modes';

const START_TYPES = {
  codepipeline: 'codepipeline',
  sagemaker: 'sagemaker',
  sfn: 'stepfunctions',
  codebuild: 'codebuild',
} as const;

/** The resource a recorded write names, as the modes judge it (writes.ts names them). */
export function writeTargetOf(record: Pick<Decision, 'subject'>, a: ActionRecord): WriteTarget | undefined {
  const [first = '', second = '', third = ''] = a.target.split('/');
  switch (`${a.service}:${a.operation}`) {
    case 'codepipeline:StartPipelineExecution':
    case 'sagemaker:StartPipelineExecution':
    case 'sfn:StartExecution':
    case 'codebuild:StartBuild':
      return { kind: 'pipeline', type: START_TYPES[a.service as keyof typeof START_TYPES], name: a.target };
    case 'sagemaker:UpdateModelPackage':
      return { kind: 'modelPackage', group: packageGroupOf(a.target) ?? '' };
    case 'codepipeline:PutApprovalResult':
      return { kind: 'approval', pipeline: first, stage: second, action: third };
    case 'codedeploy:CreateDeployment':
      return { kind: 'deploymentGroup', application: first, group: second };
    case 'codedeploy:StopDeployment': {
      // The resource is the deployment id; the rollback step's subject names its group.
      const m = /\/codedeploy:([^/]+)\/(.+)$/.exec(record.subject);
      return m ? { kind: 'deploymentGroup', application: m[1]!, group: m[2]! } : undefined;
    }
    case 'sagemaker:UpdateEndpoint':
      return { kind: 'endpoint', name: a.target.split(' -> ')[0]! };
    case 'codepipeline:DisableStageTransition':
    case 'codepipeline:EnableStageTransition':
      return { kind: 'stageTransition', pipeline: first, stage: second };
    case 'codepipeline:RetryStageExecution':
      return { kind: 'stageRetry', pipeline: first, stage: second };
    default:
      return undefined;
  }
}

export interface ActionFlips {
  before: ActionRecord[];
  after: ActionRecord[];
  /** One line per write whose verdict flips. */
  reasons: string[];
}

const named = (a: ActionRecord) => `${a.service} ${a.operation} ${a.target}`;

/** The record's writes under `policy`'s modes; undefined when none flips (taken ↔ withheld). */
export function redecideActions(record: Decision, policy: Policy): ActionFlips | undefined {
  const before = record.actions ?? [];
  const reasons: string[] = [];
  const after = before.map((a): ActionRecord => {
    if (a.status === 'failed' || a.why?.startsWith('paused')) return a;
    const target = writeTargetOf(record, a);
    if (!target) return a;
    const why = observeWhy(policy, target);
    if (a.status === 'taken' && why !== undefined) {
      reasons.push(`would withhold ${named(a)}: ${why} (it was taken)`);
      return { ...a, status: 'withheld', why };
    }
    if (a.status === 'withheld' && why === undefined) {
      reasons.push(
        `would take ${named(a)} (withheld then: ${a.why ?? 'observe'}), unless the kill switch was paused then: observe mode withheld it before the switch was read`,
      );
      const { why: _why, ...taken } = a;
      return { ...taken, status: 'taken' };
    }
    return a;
  });
  return reasons.length > 0 ? { before, after, reasons } : undefined;
}
