import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  ListActionExecutionsCommand,
  RetryStageExecutionCommand,
  type CodePipelineClient,
  type DisableStageTransitionCommandInput,
} from '@aws-sdk/client-codepipeline';
import { AwsCallError } from '../../domain/errors';
import type { StageActionRun, StageControl } from '../../ports/stage-control';

/**
 * DisableStageTransition `reason`: 1–300 characters of `[a-zA-Z0-9!@ \(\)\.\*\?\-]` (API
 * reference). Alarm names and reasons carry ":", "_", "/" and more: those become spaces.
 */
export function transitionReason(text: string): string {
  const clean = text
    .replace(/[^a-zA-Z0-9!@ ().*?-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
  return clean || 'frozen by mlops-controller';
}

export function freezeInput(pipeline: string, stage: string, reason: string): DisableStageTransitionCommandInput {
  return { pipelineName: pipeline, stageName: stage, transitionType: 'Inbound', reason: transitionReason(reason) };
}

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError('codepipeline', operation, error);
  }
}

export class CodePipelineStages implements StageControl {
  constructor(private readonly client: CodePipelineClient) {}

  async freeze(pipeline: string, stage: string, reason: string): Promise<void> {
    await send('DisableStageTransition', () =>
      this.client.send(new DisableStageTransitionCommand(freezeInput(pipeline, stage, reason))),
    );
  }

  async unfreeze(pipeline: string, stage: string): Promise<void> {
    await send('EnableStageTransition', () =>
      this.client.send(
        new EnableStageTransitionCommand({ pipelineName: pipeline, stageName: stage, transitionType: 'Inbound' }),
      ),
    );
  }

  async retry(pipeline: string, stage: string, executionId: string): Promise<void> {
    await send('RetryStageExecution', () =>
      this.client.send(
        new RetryStageExecutionCommand({
          pipelineName: pipeline,
          stageName: stage,
          pipelineExecutionId: executionId,
          retryMode: 'FAILED_ACTIONS',
        }),
      ),
    );
  }

  async actions(pipeline: string, executionId: string): Promise<StageActionRun[]> {
    const runs: StageActionRun[] = [];
    let nextToken: string | undefined;
    do {
      const out = await send('ListActionExecutions', () =>
        this.client.send(
          new ListActionExecutionsCommand({
            pipelineName: pipeline,
            filter: { pipelineExecutionId: executionId },
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      for (const a of out.actionExecutionDetails ?? [])
        runs.push({
          stage: a.stageName ?? '',
          action: a.actionName ?? '',
          category: a.input?.actionTypeId?.category ?? '',
          status: a.status ?? '',
        });
      nextToken = out.nextToken;
    } while (nextToken);
    return runs;
  }
}
