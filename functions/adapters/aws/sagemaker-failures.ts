import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  type PipelineExecutionStepMetadata,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { AwsCallError } from '../../domain/errors';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader } from '../../ports/run-failures';

/** ListPipelineExecutionSteps' `MaxResults` ceiling (API reference: 1–100): one page is the cap. */
const STEP_PAGE = 100;

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError('sagemaker', operation, error);
  }
}

/** The step's kind and the job it ran, from the one Metadata member SageMaker sets (`TrainingJob: { Arn }`). */
function jobOf(metadata: PipelineExecutionStepMetadata | undefined): string {
  const [kind, detail] = Object.entries(metadata ?? {}).find(([, v]) => v !== undefined) ?? [];
  if (!kind) return '';
  const arn = (detail as { Arn?: string } | undefined)?.Arn;
  return ` (${kind}${arn ? ` ${arn}` : ''})`;
}

/**
 * A failed SageMaker pipeline execution: one page of ListPipelineExecutionSteps (the failed step,
 * its type and FailureReason); DescribePipelineExecution's FailureReason only when no step failed
 * (a definition or parameter error fails the execution before any step runs).
 */
export class SageMakerFailureReader implements FailureReader {
  constructor(private readonly client: SageMakerClient) {}

  async facts(_pipeline: string, executionArn: string): Promise<FailureFacts> {
    const steps = await send('ListPipelineExecutionSteps', () =>
      this.client.send(
        new ListPipelineExecutionStepsCommand({
          PipelineExecutionArn: executionArn,
          MaxResults: STEP_PAGE,
          SortOrder: 'Ascending',
        }),
      ),
    );
    const failed = (steps.PipelineExecutionSteps ?? []).find((s) => s.StepStatus === 'Failed');
    if (failed) {
      const name = failed.StepDisplayName ?? failed.StepName;
      return {
        failedAt: `step ${name}${jobOf(failed.Metadata)}`,
        ...(failed.FailureReason ? { message: failed.FailureReason } : {}),
      };
    }
    const execution = await send('DescribePipelineExecution', () =>
      this.client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionArn })),
    );
    return execution.FailureReason
      ? { message: execution.FailureReason }
      : {
          unread: `no failed step among the ${steps.PipelineExecutionSteps?.length ?? 0} listed, and no failure reason`,
        };
  }
}
