import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { AwsCallError } from '../../domain/errors';
import type { FailureFacts } from '../../domain/run-failure';
import type { FailureReader } from '../../ports/run-failures';

/**
 * Events read from the end of the history: a failed task writes TaskStateEntered, TaskScheduled,
 * TaskStarted, TaskFailed and ExecutionFailed, and each retry four more; 20 reach the failed
 * state's entry through three retries. One page, never a walk through the history.
 */
export const HISTORY_PAGE = 20;

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError('sfn', operation, error);
  }
}

/** The `<type>EventDetails` member of a history event that carries an error and a cause, if any. */
function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  for (const [key, value] of Object.entries(event))
    if (key.endsWith('EventDetails') && value && typeof value === 'object' && ('error' in value || 'cause' in value))
      return value as { error?: string; cause?: string };
  return undefined;
}

const said = (f: { error?: string | undefined; cause?: string | undefined } | undefined): string | undefined =>
  [f?.error, f?.cause].filter(Boolean).join(': ') || undefined;

/**
 * A failed Step Functions execution: DescribeExecution (its error and cause, what the terminal
 * event does not carry) and the last HISTORY_PAGE events, newest first, for the state it failed in
 * (the latest state entered) and how (the latest failure event of that state: TaskFailed,
 * LambdaFunctionFailed, TaskTimedOut, ...). Execution data (inputs, outputs) is not read.
 */
export class StepFunctionsFailureReader implements FailureReader {
  constructor(private readonly client: SFNClient) {}

  async facts(_stateMachine: string, executionArn: string): Promise<FailureFacts> {
    const [execution, history] = await Promise.all([
      send('DescribeExecution', () => this.client.send(new DescribeExecutionCommand({ executionArn }))),
      send('GetExecutionHistory', () =>
        this.client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            reverseOrder: true,
            maxResults: HISTORY_PAGE,
            includeExecutionData: false,
          }),
        ),
      ),
    ]);
    // Newest first by id, whatever order the page came in.
    const events = [...(history.events ?? [])].sort((a, b) => (b.id ?? 0) - (a.id ?? 0));
    const entered = events.find((e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name);
    const stateFailure = events.find(
      (e) => e.type !== 'ExecutionFailed' && e.type !== 'ExecutionTimedOut' && failureOf(e) !== undefined,
    );
    const executionFailure = events.find((e) => e.type === 'ExecutionFailed' || e.type === 'ExecutionTimedOut');
    const how = stateFailure?.type ?? (entered?.type === 'FailStateEntered' ? 'Fail state' : undefined);
    const message =
      said(execution) ??
      said(executionFailure && failureOf(executionFailure)) ??
      said(stateFailure && failureOf(stateFailure));
    const status = execution.status && execution.status !== 'FAILED' ? execution.status : undefined;
    return {
      ...(entered ? { failedAt: `state ${entered.stateEnteredEventDetails!.name}${how ? ` (${how})` : ''}` } : {}),
      ...(message ? { message } : {}),
      ...(status ? { status } : {}),
      ...(entered
        ? {}
        : { unread: `no state entered among the last ${events.length} history events (${HISTORY_PAGE} read)` }),
    };
  }
}
