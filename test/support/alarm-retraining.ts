/**
 * An alarm bound to retraining, end to end on the given state-table adapters: the alarm handler
 * records requests, the sweeper starts them. Shared by the memory test
 * (test/unit/handlers/alarm-retraining.test.ts) and the moto one
 * (test/integration/alarm-retraining.test.ts), so both prove the same thing on their store.
 */
import { MemoryAlarms } from '../../functions/adapters/memory/alarms';
import { MemoryDeployments } from '../../functions/adapters/memory/deployments';
import { MemoryEndpoints } from '../../functions/adapters/memory/endpoints';
import { MemoryObjectStore } from '../../functions/adapters/memory/object-store';
import { MemoryPackageStatus } from '../../functions/adapters/memory/package-status';
import { MemoryPipelines } from '../../functions/adapters/memory/pipelines';
import { MemoryRunFailures } from '../../functions/adapters/memory/run-failures';
import { MemoryStageControl } from '../../functions/adapters/memory/stage-control';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { MemoryKillSwitch } from '../../functions/adapters/memory/kill-switch';
import { validatePolicy, type Policy } from '../../functions/config/policy';
import { alarmFired } from '../../functions/handlers/alarm-fired';
import { sweeper } from '../../functions/handlers/sweeper';
import type { BatchLedger } from '../../functions/ports/batch-ledger';
import type { DecisionLog } from '../../functions/ports/decision-log';
import type { Pipelines } from '../../functions/ports/pipelines';
import type { RetrainRequests } from '../../functions/ports/retrain-requests';
import type { RollbackStore } from '../../functions/ports/rollback-store';
import type { RunStore } from '../../functions/ports/run-store';
import { Guardrails } from '../../functions/guardrails';
import { wireRetraining } from '../../functions/wiring/retraining';
import { wireRollback } from '../../functions/wiring/rollback';
import { direct, viaSns } from './alarm-deliveries';
import { asCloudWatchHolds, sentAt } from './cloudwatch-alarms';
import { loadFixture } from './fixtures';
import { recordingLogger, TestClock } from './memory-harness';
import { policyInput } from './policies';
import { MemoryBuildSlots } from '../../functions/adapters/memory/build-slots';

function crashing(pipelines: Pipelines, crashes: number): Pipelines {
  let left = crashes;
  return {
    start: (request) => {
      if (left-- > 0) return Promise.reject(new Error('the sweep died before StartPipelineExecution'));
      return pipelines.start(request);
    },
  };
}

/** ServerCpuTooHigh (the single-metric fixture) is bound to the `drift` rule's retraining. */
export const alarmRetrainingPolicy = (binding: Record<string, unknown> = {}) =>
  validatePolicy({
    ...policyInput([
      {
        name: 'drift',
        source: { bucket: 'b', prefix: 'drift/' },
        target: { type: 'codepipeline', name: 'drift-retrain' },
        trigger: { marker: '_SUCCESS' },
        guards: { cooldownSeconds: 600, exclusive: true },
      },
    ]),
    rollback: [{ name: 'cpu-drift', alarms: { names: ['ServerCpuTooHigh'] }, retrain: 'drift', ...binding }],
  });

/** One ALARM transition of ServerCpuTooHigh in the three shapes it arrives in. */
export function alarmDeliveries(): unknown[] {
  const e = sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'));
  return [e, direct(e), viaSns(e)];
}

export interface StateTable {
  requests: RetrainRequests;
  runs: RunStore;
  ledger: BatchLedger;
  store: RollbackStore;
  decisions: DecisionLog;
}

/**
 * `crashBeforeStart`: that many start calls throw before reaching the pipeline, as a sweep that
 * dies between claiming the guard and calling StartPipelineExecution would.
 */
export function alarmRetraining(
  table: StateTable,
  policy: Policy = alarmRetrainingPolicy(),
  options: { crashBeforeStart?: number } = {},
) {
  const clock = new TestClock(Date.parse('2026-11-22T10:00:00Z'));
  const world = new MemoryWorld(clock);
  world.pipelines.set('drift-retrain', { kind: 'codepipeline' });
  const { logger } = recordingLogger();
  // Observe mode and the kill switch, as every function's runtime applies them.
  const guardrails = new Guardrails({ policy, killSwitch: new MemoryKillSwitch(), logger, clock });
  const wiring = { policy, clock, logger, guardrails };
  const rollback = wireRollback(
    {
      decisions: table.decisions,
      store: table.store,
      deployments: new MemoryDeployments(world),
      endpoints: new MemoryEndpoints(world),
      alarms: new MemoryAlarms(world),
      stages: new MemoryStageControl(world),
      packages: new MemoryPackageStatus(world),
      retrainRequests: table.requests,
    },
    wiring,
  );
  // Pipelines in memory: CodePipeline's StartPipelineExecution is not in moto; the memory adapter
  // keeps AWS's idempotency by client request token, and every call is an action in the world.
  const retraining = wireRetraining(
    {
      decisions: table.decisions,
      ledger: table.ledger,
      runs: table.runs,
      objects: new MemoryObjectStore(world),
      pipelines: crashing(new MemoryPipelines(world), options.crashBeforeStart ?? 0),
      requests: table.requests,
      failures: new MemoryRunFailures(world),
      slots: new MemoryBuildSlots(),
    },
    wiring,
  );
  return {
    policy,
    clock,
    alarm: asCloudWatchHolds(world, alarmFired(rollback, logger, clock.now)),
    sweep: sweeper(retraining),
    starts: () => world.actions.filter((a) => a.operation === 'StartPipelineExecution'),
    executions: () => world.executions,
  };
}
