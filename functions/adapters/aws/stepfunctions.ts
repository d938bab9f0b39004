import { createHash } from 'node:crypto';
import { StartExecutionCommand, type SFNClient, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import type { RetrainingTarget } from '../../config/policy';
import { AwsCallError } from '../../domain/errors';
import type { StartRequest } from '../../ports/pipelines';

export type StepFunctionsTarget = Extract<RetrainingTarget, { type: 'stepfunctions' }>;
export type StepFunctionsStartRequest = StartRequest & { target: StepFunctionsTarget };

/** StartExecution `name`: 1–80 characters (API model). */
const NAME_MAX = 80;
/** Hex digits of the token's digest kept in the name: enough that two runs of a rule never share one. */
const DIGEST = 16;

/**
 * The execution name for a start: the run's id (`<rule>-<seq>`, `alarm-<name>`), then a digest
 * of the start token. Same token, same name, and a state machine keeps one execution per name for
 * 90 days, so a retried start cannot run twice. Only `[A-Za-z0-9_-]` are kept: Step Functions
 * refuses white space, brackets, wildcards and `"#%\^|~`$&,;:/` in names, and its CloudWatch
 * logging needs these characters alone.
 */
export function executionName(batchId: string, token: string): string {
  const digest = createHash('sha256').update(token).digest('hex').slice(0, DIGEST);
  const readable = batchId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, NAME_MAX - DIGEST - 1);
  return `${readable}-${digest}`;
}

/**
 * The execution's input: the manifest and run id the controller owes every target, and the rule's
 * parameters beside them (never merged, so a parameter cannot shadow the manifest).
 */
export function executionInput(request: StepFunctionsStartRequest): string {
  return JSON.stringify({
    manifestUri: request.manifestUri,
    batchId: request.batchId,
    parameters: request.target.parameters,
  });
}

/** The exact StartExecution input (shared with the memory adapter). */
export function stepFunctionsStartInput(request: StepFunctionsStartRequest): StartExecutionCommandInput {
  return {
    stateMachineArn: request.target.stateMachineArn,
    name: executionName(request.batchId, request.token),
    input: executionInput(request),
  };
}

/**
 * `arn:aws:states:r:a:stateMachine:<machine>[:<qualifier>]` and an execution name → the
 * execution's ARN, `arn:aws:states:r:a:execution:<machine>:<name>` (the ARN format of the
 * Service Authorization Reference's `execution` resource type).
 */
export function executionArn(stateMachineArn: string, name: string): string {
  const [arn, partition, service, region, account, , machine] = stateMachineArn.split(':');
  return [arn, partition, service, region, account, 'execution', machine, name].join(':');
}

/** Starts Step Functions executions. Errors are the SDK's; AwsPipelines maps them. */
export class StepFunctionsStarter {
  constructor(private readonly client: SFNClient) {}

  async start(request: StepFunctionsStartRequest): Promise<string> {
    const input = stepFunctionsStartInput(request);
    try {
      const response = await this.client.send(new StartExecutionCommand(input));
      if (!response.executionArn)
        throw new AwsCallError('sfn', 'StartExecution', new Error('response has no executionArn'));
      return response.executionArn;
    } catch (error) {
      // The same name with the same input succeeds only while that execution runs; once it has
      // ended, StartExecution answers ExecutionAlreadyExists. The name is this start's own
      // (derived from its token), so the execution it names is the one this start made.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists')
        return executionArn(request.target.stateMachineArn, input.name!);
      throw error;
    }
  }
}
