import { codeBuildStartInput } from '../aws/codebuild';
import { codePipelineStartInput } from '../aws/codepipeline';
import { PipelineNotFoundError } from '../aws/pipelines';
import { sageMakerStartInput } from '../aws/sagemaker';
import { executionArn, stepFunctionsStartInput } from '../aws/stepfunctions';
import { writes } from '../../domain/writes';
import type { Pipelines, StartRequest, StartResult } from '../../ports/pipelines';
import type { MemoryWorld, PipelineExecution } from './world';

const NOT_FOUND: Record<StartRequest['target']['type'], string> = {
  codepipeline: 'PipelineNotFoundException',
  sagemaker: 'ResourceNotFound',
  stepfunctions: 'StateMachineDoesNotExist',
  codebuild: 'ResourceNotFoundException',
};

/** CodeBuild honours an idempotencyToken for 5 minutes (StartBuild API reference). */
const CODEBUILD_TOKEN_MS = 5 * 60 * 1000;

/** What one start sends: its journaled input, its idempotency key and the values the run receives. */
interface Sent {
  input: Record<string, unknown>;
  token: string;
  values: Record<string, string>;
}

export interface MemoryPipelinesOptions {
  /** Used in SageMaker execution ARNs. */
  region?: string;
  account?: string;
}

/**
 * Pipelines for the embedded backend. It builds the very input the AWS adapter would send (same
 * pure builders), journals it, and behaves as AWS does where the controller relies on it: an
 * unknown pipeline is refused (and journals nothing: AWS performed nothing); a client request token
 * already used for that pipeline returns the earlier execution and starts nothing, but the call is
 * journaled, because the journal lists the write calls AWS accepted, and a duplicate call is
 * something a scenario should be able to see. A Step Functions execution name is its key for good
 * (90 days); a CodeBuild idempotencyToken for 5 minutes only, after which the same token builds again.
 */
export class MemoryPipelines implements Pipelines {
  private readonly region: string;
  private readonly account: string;

  constructor(
    private readonly world: MemoryWorld,
    options: MemoryPipelinesOptions = {},
  ) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
  }

  async start(request: StartRequest): Promise<StartResult> {
    const { target } = request;
    if (this.world.pipelines.get(target.name)?.kind !== target.type) {
      const code = NOT_FOUND[target.type];
      throw new PipelineNotFoundError(
        target.type,
        target.name,
        Object.assign(new Error(`simulated ${code}`), { name: code }),
      );
    }

    const sent = this.sent(request);
    const { service, operation } = writes.startPipeline(target.type, target.name);
    this.world.record(service, operation, sent.input);
    const { token, values } = sent;

    const now = this.world.clock.now().getTime();
    const earlier = this.world.executions.find(
      (e) =>
        e.kind === target.type &&
        e.pipeline === target.name &&
        e.token === token &&
        (target.type !== 'codebuild' || now - Date.parse(e.startedAt) < CODEBUILD_TOKEN_MS),
    );
    if (earlier) return { executionId: earlier.id };

    const execution: PipelineExecution = {
      id: this.executionId(request, token),
      pipeline: target.name,
      kind: target.type,
      token,
      status: 'InProgress',
      values,
      startedAt: this.world.clock.now().toISOString(),
    };
    this.world.executions.push(execution);
    return { executionId: execution.id };
  }

  private sent(request: StartRequest): Sent {
    const { target } = request;
    switch (target.type) {
      case 'codepipeline': {
        const input = codePipelineStartInput({ ...request, target });
        const values = Object.fromEntries((input.variables ?? []).map((v) => [v.name!, v.value!]));
        return { input: { ...input }, token: input.clientRequestToken!, values };
      }
      case 'sagemaker': {
        const input = sageMakerStartInput({ ...request, target });
        const values = Object.fromEntries((input.PipelineParameters ?? []).map((p) => [p.Name!, p.Value!]));
        return { input: { ...input }, token: input.ClientRequestToken!, values };
      }
      case 'stepfunctions': {
        const input = stepFunctionsStartInput({ ...request, target });
        const { parameters, ...own } = JSON.parse(input.input!) as Record<string, string> & {
          parameters: Record<string, string>;
        };
        return { input: { ...input }, token: input.name!, values: { ...parameters, ...own } };
      }
      case 'codebuild': {
        const input = codeBuildStartInput({ ...request, target });
        const values = Object.fromEntries((input.environmentVariablesOverride ?? []).map((v) => [v.name!, v.value!]));
        return { input: { ...input }, token: input.idempotencyToken!, values };
      }
    }
  }

  private executionId(request: StartRequest, token: string): string {
    const { target } = request;
    const id = this.world.nextId('execution');
    switch (target.type) {
      case 'codepipeline':
        return id;
      case 'sagemaker':
        return `arn:aws:sagemaker:${this.region}:${this.account}:pipeline/${target.name}/execution/${id}`;
      case 'stepfunctions':
        return executionArn(target.stateMachineArn, token);
      case 'codebuild':
        return `arn:aws:codebuild:${this.region}:${this.account}:build/${target.name}:${id}`;
    }
  }
}
