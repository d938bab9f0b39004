import { createHash } from 'node:crypto';
import {
  StartPipelineExecutionCommand,
  type SageMakerClient,
  type StartPipelineExecutionCommandInput,
} from '@aws-sdk/client-sagemaker';
import type { RetrainingTarget } from '../../config/policy';
import { AwsCallError } from '../../domain/errors';
import type { StartRequest } from '../../ports/pipelines';

export type SageMakerTarget = Extract<RetrainingTarget, { type: 'sagemaker' }>;
export type SageMakerStartRequest = StartRequest & { target: SageMakerTarget };

/**
 * StartPipelineExecution `ClientRequestToken` must be 32–128 characters (API reference; no
 * pattern). A sha256 hex digest (64) fits as is; shorter or longer tokens are replaced by their
 * sha256 hex digest, deterministically, so duplicates still collapse onto one execution.
 */
export function sageMakerToken(token: string): string {
  return token.length >= 32 && token.length <= 128 ? token : createHash('sha256').update(token).digest('hex');
}

/**
 * Parameters in precedence order, first occurrence wins: the manifest parameter, then the batch
 * id, then the rule's static ones (as for CodePipeline variables; kept local so a SageMaker-only
 * bundle does not pull in the CodePipeline client).
 */
function orderedPairs(...sources: Array<Record<string, string>>): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const source of sources)
    for (const [name, value] of Object.entries(source)) if (!pairs.has(name)) pairs.set(name, value);
  return [...pairs];
}

/** The exact StartPipelineExecution input for a SageMaker pipeline (shared with the memory adapter). */
export function sageMakerStartInput(request: SageMakerStartRequest): StartPipelineExecutionCommandInput {
  const { target } = request;
  return {
    PipelineName: target.name,
    ClientRequestToken: sageMakerToken(request.token),
    PipelineParameters: orderedPairs(
      { [target.manifestParameter]: request.manifestUri },
      target.batchIdParameter ? { [target.batchIdParameter]: request.batchId } : {},
      target.parameters,
    ).map(([Name, Value]) => ({ Name, Value })),
    PipelineExecutionDescription: `Started by mlops-controller for ${request.manifestUri}`.slice(0, 3072),
  };
}

/** Starts SageMaker pipeline executions. Errors are the SDK's; AwsPipelines maps them. */
export class SageMakerPipelineStarter {
  constructor(private readonly client: SageMakerClient) {}

  async start(request: SageMakerStartRequest): Promise<string> {
    const response = await this.client.send(new StartPipelineExecutionCommand(sageMakerStartInput(request)));
    if (!response.PipelineExecutionArn)
      throw new AwsCallError('sagemaker', 'StartPipelineExecution', new Error('response has no PipelineExecutionArn'));
    return response.PipelineExecutionArn;
  }
}
