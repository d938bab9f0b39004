import { freezeInput } from '../aws/codepipeline-stages';
import type { StageActionRun, StageControl } from '../../ports/stage-control';
import { rollbackWorld } from './rollback-world';
import type { MemoryWorld } from './world';

export class MemoryStageControl implements StageControl {
  constructor(private readonly world: MemoryWorld) {}

  private get state() {
    return rollbackWorld(this.world);
  }

  async freeze(pipeline: string, stage: string, reason: string): Promise<void> {
    const input = freezeInput(pipeline, stage, reason);
    this.world.record('codepipeline', 'DisableStageTransition', { ...input });
    this.state.disabledTransitions.set(`${pipeline}/${stage}`, input.reason ?? '');
  }

  async unfreeze(pipeline: string, stage: string): Promise<void> {
    this.world.record('codepipeline', 'EnableStageTransition', {
      pipelineName: pipeline,
      stageName: stage,
      transitionType: 'Inbound',
    });
    this.state.disabledTransitions.delete(`${pipeline}/${stage}`);
  }

  async retry(pipeline: string, stage: string, executionId: string): Promise<void> {
    this.world.record('codepipeline', 'RetryStageExecution', {
      pipelineName: pipeline,
      stageName: stage,
      pipelineExecutionId: executionId,
      retryMode: 'FAILED_ACTIONS',
    });
  }

  async actions(pipeline: string, executionId: string): Promise<StageActionRun[]> {
    return this.state.actionRuns
      .filter((a) => a.pipeline === pipeline && a.executionId === executionId)
      .map(({ stage, action, category, status }) => ({ stage, action, category, status }));
  }
}
