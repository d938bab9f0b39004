import {
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  type ActionExecutionDetail,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { AwsCallError } from '../../domain/errors';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader } from '../../ports/run-failures';

/** ListActionExecutions' `maxResults` ceiling (API reference: 1–100): one page is the cap. */
const ACTION_PAGE = 100;

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError('codepipeline', operation, error);
  }
}

const messageOf = (a: ActionExecutionDetail): string | undefined =>
  a.output?.executionResult?.errorDetails?.message ?? a.output?.executionResult?.externalExecutionSummary;

/**
 * A failed CodePipeline execution: GetPipelineExecution (its status summary) and one page of
 * ListActionExecutions for the execution (the failed action, its stage and error message).
 */
export class CodePipelineFailureReader implements FailureReader {
  constructor(private readonly client: CodePipelineClient) {}

  async facts(pipeline: string, executionId: string): Promise<FailureFacts> {
    const [execution, actions] = await Promise.all([
      send('GetPipelineExecution', () =>
        this.client.send(new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId })),
      ),
      send('ListActionExecutions', () =>
        this.client.send(
          new ListActionExecutionsCommand({
            pipelineName: pipeline,
            filter: { pipelineExecutionId: executionId },
            maxResults: ACTION_PAGE,
          }),
        ),
      ),
    ]);
    const failed = (actions.actionExecutionDetails ?? [])
      .filter((a) => a.status === 'Failed')
      // The first to fail is the cause; later failures are often its consequence.
      .sort((a, b) => (a.lastUpdateTime?.getTime() ?? 0) - (b.lastUpdateTime?.getTime() ?? 0))[0];
    const summary = execution.pipelineExecution?.statusSummary;
    if (!failed)
      return {
        ...(summary ? { message: summary } : {}),
        unread: `no failed action among the ${actions.actionExecutionDetails?.length ?? 0} listed`,
      };
    const message = messageOf(failed) ?? summary;
    return { failedAt: `stage ${failed.stageName}, action ${failed.actionName}`, ...(message ? { message } : {}) };
  }
}
