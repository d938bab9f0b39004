import { AwsCallError } from '../../../functions/domain/errors';
import { stageFailed } from '../../../functions/handlers/stage-failed';
import { StageRetryWorkflow } from '../../../functions/workflows/stage-retry';
import { MemoryStageControl } from '../../../functions/adapters/memory/stage-control';
import { loadFixture } from '../../support/fixtures';
import { rollbackHarness } from '../../support/rollback-harness';

const failed = (id: string) =>
  Object.assign(loadFixture('codepipeline-stage-execution-state-change.stopped'), {
    id,
    detail: { ...loadFixture('codepipeline-stage-execution-state-change.stopped').detail, state: 'FAILED' },
  });

describe('stageFailed', () => {
  it('retries twice with the delay, counts duplicates once, then leaves the stage failed', async () => {
    const h = rollbackHarness();
    const handle = stageFailed(h.stageRetry, h.logger);
    const t0 = h.clock.t;
    await Promise.all([handle(failed('e1')), handle(failed('e1'))]);
    await handle(failed('e2'));
    await handle(failed('e3'));
    expect(h.ops('RetryStageExecution').map((a) => a.input)).toEqual([
      {
        pipelineName: 'myPipeline',
        stageName: 'Deploy',
        pipelineExecutionId: '12345678-1234-5678-abcd-12345678abcd',
        retryMode: 'FAILED_ACTIONS',
      },
      {
        pipelineName: 'myPipeline',
        stageName: 'Deploy',
        pipelineExecutionId: '12345678-1234-5678-abcd-12345678abcd',
        retryMode: 'FAILED_ACTIONS',
      },
    ]);
    expect(h.clock.t - t0).toBeGreaterThanOrEqual(60_000);
    expect(h.kinds('rollback.stage-retry').map((d) => d.outcome)).toEqual(['RETRIED', 'RETRIED', 'LEFT_FAILED']);
  });

  it('never retries a rejected approval', async () => {
    const h = rollbackHarness();
    h.state.actionRuns.push({
      pipeline: 'myPipeline',
      executionId: '12345678-1234-5678-abcd-12345678abcd',
      stage: 'Deploy',
      action: 'Approve',
      category: 'Approval',
      status: 'Failed',
    });
    await stageFailed(h.stageRetry, h.logger)(failed('e1'));
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.stage-retry')).toEqual([expect.objectContaining({ outcome: 'NOT_RETRIED' })]);
  });

  it('records a retry CodePipeline refuses, and surfaces other failures', async () => {
    const h = rollbackHarness();
    const stages = new MemoryStageControl(h.world);
    let error: Error = Object.assign(new Error('stage is not retryable'), { name: 'StageNotRetryableException' });
    const refusing = Object.assign(Object.create(stages), {
      retry: async () => {
        throw new AwsCallError('codepipeline', 'RetryStageExecution', error);
      },
    });
    const wf = new StageRetryWorkflow({ ...(h.stageRetry as any).deps, stages: refusing });
    await stageFailed(wf, h.logger)(failed('e1'));
    expect(h.kinds('rollback.stage-retry')).toEqual([
      expect.objectContaining({
        outcome: 'NOT_RETRIED',
        reasons: [expect.stringMatching(/StageNotRetryableException/)],
      }),
    ]);
    error = Object.assign(new Error('boom'), { name: 'InternalFailure' });
    await expect(stageFailed(wf, h.logger)(failed('e2'))).rejects.toThrow(/RetryStageExecution failed/);
  });

  it.each([
    ['a stage the policy does not list', (e: any) => Object.assign(e, { detail: { ...e.detail, stage: 'Build' } }), 1],
    [
      'a stage that stopped rather than failed',
      (e: any) => Object.assign(e, { detail: { ...e.detail, state: 'STOPPED' } }),
      0,
    ],
    ['a pipeline event of another type', () => loadFixture('codepipeline-pipeline-execution-state-change.failed'), 1],
  ])('does nothing for %s', async (_w, mutate, ignored) => {
    const h = rollbackHarness();
    await stageFailed(h.stageRetry, h.logger)(mutate(failed('e1')));
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.ignore')).toHaveLength(ignored);
  });
});
