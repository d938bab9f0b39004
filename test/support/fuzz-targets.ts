import { alarmFired } from '../../functions/handlers/alarm-fired';
import { dataArrived } from '../../functions/handlers/data-arrived';
import { deploymentHook } from '../../functions/handlers/deployment-hook';
import { endpointChanged } from '../../functions/handlers/endpoint-changed';
import { executionFinished } from '../../functions/handlers/execution-finished';
import { stageFailed } from '../../functions/handlers/stage-failed';
import type { Action } from '../../functions/adapters/memory/world';
import type { Decision } from '../../functions/ports/decision-log';
import { ACCOUNT, REGION, arnOf, gatesHarness } from './gates-harness';
import { memoryHarness } from './memory-harness';
import { rollbackHarness } from './rollback-harness';

/** One handler on a fresh memory world, seeded so the real fixture it receives can act. */
export interface FuzzWorld {
  handler: string;
  deliver(event: unknown): Promise<unknown>;
  actions(): readonly Action[];
  decisions(): readonly Decision[];
  /** Log lines written: every event a handler does not act on is logged with the reason. */
  logged(): number;
}

type Lines = Array<{ level: string }>;
const problems = (lines: Lines) => () => lines.length;

function retraining(kind: 'dataArrived' | 'executionFinished'): FuzzWorld {
  const h = memoryHarness();
  const handle = kind === 'dataArrived' ? dataArrived(h.workflow, h.logger) : executionFinished(h.workflow, h.logger);
  return {
    handler: kind,
    deliver: (e) => handle(e),
    actions: () => h.world.actions,
    decisions: () => h.decisions.decisions,
    logged: problems(h.logs),
  };
}

function gates(kind: 'registryGate' | 'approvalGate'): FuzzWorld {
  const h = gatesHarness();
  h.addPackage(1, { status: 'Approved', auc: 0.84 });
  h.addPackage(2, { auc: 0.9 });
  const handle = kind === 'registryGate' ? h.registryHandler : h.approvalHandler;
  return {
    handler: kind,
    deliver: (e) => handle(e as never),
    actions: () => h.world.actions,
    decisions: () => h.decisions.decisions,
    logged: problems(h.lines),
  };
}

function rollback(kind: 'alarmRollback' | 'endpointTracker' | 'deploymentHook' | 'stageRetry'): FuzzWorld {
  const h = rollbackHarness();
  h.seedGroup('InProgress');
  const handle =
    kind === 'alarmRollback'
      ? alarmFired(h.rollback, h.logger, h.clock.now)
      : kind === 'endpointTracker'
        ? endpointChanged(h.rollback, h.logger, h.clock.now)
        : kind === 'deploymentHook'
          ? deploymentHook(h.hooks, h.logger)
          : stageFailed(h.stageRetry, h.logger);
  return {
    handler: kind,
    deliver: (e) => (handle as (e: unknown) => Promise<unknown>)(e),
    actions: () => h.world.actions,
    decisions: () => h.decisions.decisions,
    logged: problems(h.logs),
  };
}

/**
 * Which handler receives each real fixture in production (by its EventBridge rule, queue, topic or
 * invoker), and how the fixture is re-pointed at the harness's world where a test must do that to
 * make it actionable (the registry fixture names a package of another account's group).
 */
export function targetFor(fixture: string): { world: () => FuzzWorld; adapt?: (event: any) => void } {
  if (fixture.startsWith('s3-')) return { world: () => retraining('dataArrived') };
  if (fixture.startsWith('codepipeline-pipeline-execution') || fixture.startsWith('sagemaker-pipeline-execution'))
    return { world: () => retraining('executionFinished') };
  if (fixture.startsWith('sagemaker-model-package'))
    return {
      world: () => gates('registryGate'),
      adapt: (event) => {
        Object.assign(event, { account: ACCOUNT, region: REGION, resources: [arnOf('churn-models', 2)] });
        Object.assign(event.detail, {
          ModelPackageGroupName: 'churn-models',
          ModelPackageVersion: 2,
          ModelPackageArn: arnOf('churn-models', 2),
          ModelApprovalStatus: 'PendingManualApproval',
        });
      },
    };
  if (fixture.startsWith('codepipeline-action-execution') || fixture.startsWith('codepipeline-manual-approval'))
    return { world: () => gates('approvalGate') };
  if (fixture.startsWith('cloudwatch-alarm')) return { world: () => rollback('alarmRollback') };
  if (fixture.startsWith('sagemaker-endpoint')) return { world: () => rollback('endpointTracker') };
  if (fixture.startsWith('codedeploy-lifecycle-hook')) return { world: () => rollback('deploymentHook') };
  if (fixture.startsWith('codepipeline-stage-execution')) return { world: () => rollback('stageRetry') };
  // CodeDeploy deployment state changes reach no rule of ours; the alarm function is the one a
  // mis-routed event would most plausibly hit.
  return { world: () => rollback('alarmRollback') };
}
