import { createHash } from 'node:crypto';
import {
  StartPipelineExecutionCommand,
  type CodePipelineClient,
  type StartPipelineExecutionCommandInput,
} from '@aws-sdk/client-codepipeline';
import type { RetrainingTarget } from '../../config/policy';
import { AwsCallError } from '../../domain/errors';
import type { StartRequest } from '../../ports/pipelines';

export type CodePipelineTarget = Extract<RetrainingTarget, { type: 'codepipeline' }>;
export type CodePipelineStartRequest = StartRequest & { target: CodePipelineTarget };

/** StartPipelineExecution `clientRequestToken`: 1–128 characters of `[a-zA-Z0-9-]` (API reference). */
const TOKEN = /^[A-Za-z0-9-]{1,128}$/;

/**
 * A token CodePipeline accepts. Tokens that already fit (a sha256 hex digest does) pass unchanged;
 * any other is replaced by its sha256 hex digest, which is deterministic, so a redelivery still
 * maps to the same token and the same execution.
 */
export function codePipelineToken(token: string): string {
  return TOKEN.test(token) ? token : createHash('sha256').update(token).digest('hex');
}

/**
 * Name/value pairs in precedence order, first occurrence wins: the manifest variable (the
 * controller's contract with the pipeline) before the batch id before the rule's static ones.
 * A name sent twice would be a ValidationException.
 */
export function orderedPairs(...sources: Array<Record<string, string>>): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const source of sources)
    for (const [name, value] of Object.entries(source)) if (!pairs.has(name)) pairs.set(name, value);
  return [...pairs];
}

/** The exact StartPipelineExecution input for a V2 pipeline (shared with the memory adapter). */
export function codePipelineStartInput(request: CodePipelineStartRequest): StartPipelineExecutionCommandInput {
  const { target } = request;
  return {
    name: target.name,
    clientRequestToken: codePipelineToken(request.token),
    variables: orderedPairs(
      { [target.manifestVariable]: request.manifestUri },
      target.batchIdVariable ? { [target.batchIdVariable]: request.batchId } : {},
      target.variables,
    ).map(([name, value]) => ({ name, value })),
  };
}

/** Starts CodePipeline V2 executions. Errors are the SDK's; AwsPipelines maps them. */
export class CodePipelineStarter {
  constructor(private readonly client: CodePipelineClient) {}

  async start(request: CodePipelineStartRequest): Promise<string> {
    const response = await this.client.send(new StartPipelineExecutionCommand(codePipelineStartInput(request)));
    if (!response.pipelineExecutionId)
      throw new AwsCallError(
        'codepipeline',
        'StartPipelineExecution',
        new Error('response has no pipelineExecutionId'),
      );
    return response.pipelineExecutionId;
  }
}
