import { GetPipelineCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { Lookup, PipelineFacts } from '../../../domain/resources';
import type { PipelineInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

export class CodePipelineInventory implements PipelineInventory {
  constructor(private readonly client: CodePipelineClient) {}

  /** GetPipeline: the declaration's type, variables, stages and actions, one call per pipeline. */
  async codePipeline(name: string): Promise<Lookup<PipelineFacts>> {
    try {
      const { pipeline } = await this.client.send(new GetPipelineCommand({ name }));
      return {
        state: 'present',
        facts: {
          ...(pipeline?.pipelineType ? { pipelineType: pipeline.pipelineType } : {}),
          variables: (pipeline?.variables ?? []).map((v) => v.name ?? ''),
          stages: (pipeline?.stages ?? []).map((s) => ({
            name: s.name ?? '',
            actions: (s.actions ?? []).map((a) => ({
              name: a.name ?? '',
              ...(a.actionTypeId?.category ? { category: a.actionTypeId.category } : {}),
              ...(a.actionTypeId?.provider ? { provider: a.actionTypeId.provider } : {}),
            })),
          })),
        },
      };
    } catch (error) {
      return lookupFailure(error, ['PipelineNotFoundException']);
    }
  }
}
