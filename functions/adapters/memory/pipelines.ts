import { codePipelineStartInput } from '../aws/codepipeline';
import { PipelineNotFoundError } from '../aws/pipelines';
import { sageMakerStartInput } from '../aws/sagemaker';
import type { Pipelines, StartRequest, StartResult } from '../../ports/pipelines';
import type { MemoryWorld, PipelineExecution } from './world';

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
 * something a scenario should be able to see.
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
      const code = target.type === 'codepipeline' ? 'PipelineNotFoundException' : 'ResourceNotFound';
      throw new PipelineNotFoundError(
        target.type,
        target.name,
        Object.assign(new Error(`simulated ${code}`), { name: code }),
      );
    }

    let token: string;
    let values: Record<string, string>;
    if (target.type === 'codepipeline') {
      const input = codePipelineStartInput({ ...request, target });
      this.world.record('codepipeline', 'StartPipelineExecution', { ...input });
      token = input.clientRequestToken!;
      values = Object.fromEntries((input.variables ?? []).map((v) => [v.name!, v.value!]));
    } else {
      const input = sageMakerStartInput({ ...request, target });
      this.world.record('sagemaker', 'StartPipelineExecution', { ...input });
      token = input.ClientRequestToken!;
      values = Object.fromEntries((input.PipelineParameters ?? []).map((p) => [p.Name!, p.Value!]));
    }

    const earlier = this.world.executions.find(
      (e) => e.kind === target.type && e.pipeline === target.name && e.token === token,
    );
    if (earlier) return { executionId: earlier.id };

    const execution: PipelineExecution = {
      id: this.executionId(target.type, target.name),
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

  private executionId(kind: PipelineExecution['kind'], pipeline: string): string {
    const id = this.world.nextId('execution');
    return kind === 'codepipeline'
      ? id
      : `arn:aws:sagemaker:${this.region}:${this.account}:pipeline/${pipeline}/execution/${id}`;
  }
}
