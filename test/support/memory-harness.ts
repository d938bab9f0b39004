import { validatePolicy, type Policy } from '../../functions/config/policy';
import { policyInput } from './policies';
import { MemoryBatchLedger } from '../../functions/adapters/memory/batch-ledger';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { MemoryObjectStore } from '../../functions/adapters/memory/object-store';
import { MemoryPipelines } from '../../functions/adapters/memory/pipelines';
import { MemoryRetrainRequests } from '../../functions/adapters/memory/retrain-requests';
import { MemoryRunFailures } from '../../functions/adapters/memory/run-failures';
import { MemoryRunStore } from '../../functions/adapters/memory/run-store';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import type { Clock } from '../../functions/ports/clock';
import type { Logger } from '../../functions/ports/logger';
import type { RetrainingDeps } from '../../functions/workflows/retraining';
import { wireRetraining } from '../../functions/wiring/retraining';
import { MemoryBuildSlots } from '../../functions/adapters/memory/build-slots';

export class TestClock implements Clock {
  constructor(public t = Date.parse('2026-11-22T08:00:00Z')) {}
  now = () => new Date(this.t);
  sleep = async (ms: number) => {
    this.t += ms;
  };
  advance(seconds: number) {
    this.t += seconds * 1000;
  }
}

export function recordingLogger() {
  const lines: Array<{ level: string; message: string; attributes?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) =>
    lines.push({ level, message, ...(attributes ? { attributes } : {}) });
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

export const basePolicy = (overrides: Partial<Record<string, unknown>> = {}): Policy =>
  // The accounts, regions and buckets of the real S3 fixtures.
  validatePolicy({
    ...policyInput(
      [
        {
          name: 'docs',
          source: { bucket: 'DOC-EXAMPLE-BUCKET1', prefix: '' },
          target: { type: 'codepipeline', name: 'docs-pipeline' },
          trigger: { maxObjects: 3 },
        },
        {
          name: 'sqs',
          source: { bucket: 'xxx', prefix: '' },
          target: { type: 'sagemaker', name: 'sqs-pipeline' },
          trigger: { maxObjects: 1 },
        },
        {
          name: 'notify',
          source: { bucket: 'mybucket', prefix: '', suffix: '.jpg' },
          target: { type: 'codepipeline', name: 'notify-pipeline' },
          trigger: { marker: '_SUCCESS' },
        },
      ],
      {
        accounts: ['123456789012', '111122223333'],
        regions: ['us-east-1', 'us-west-2', 'ca-central-1'],
        manifests: { bucket: 'manifests', prefix: 'm/' },
      },
    ),
    ...overrides,
  });

export function memoryHarness(policy: Policy = basePolicy(), overrides: Partial<RetrainingDeps> = {}) {
  const clock = new TestClock();
  const world = new MemoryWorld(clock);
  for (const r of policy.retraining) world.pipelines.set(r.target.name, { kind: r.target.type });
  const decisions = new MemoryDecisionLog(clock);
  const runs = new MemoryRunStore();
  const ledger = new MemoryBatchLedger();
  const { logger, lines } = recordingLogger();
  const deps: RetrainingDeps = {
    policy,
    ledger,
    runs,
    objects: new MemoryObjectStore(world),
    pipelines: new MemoryPipelines(world),
    requests: new MemoryRetrainRequests(),
    failures: new MemoryRunFailures(world),
    slots: new MemoryBuildSlots(),
    decisions,
    clock,
    logger,
    ...overrides,
  };
  const { policy: p, clock: c, logger: l, ...ports } = deps;
  const workflow = wireRetraining(ports, { policy: p, clock: c, logger: l });
  const starts = () => world.actions.filter((a) => a.operation === 'StartPipelineExecution');
  return { clock, world, decisions, runs, ledger, logger, logs: lines, workflow, deps, starts };
}
