import {
  DescribeEndpointCommand,
  DescribeModelPackageGroupCommand,
  DescribePipelineCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { EndpointFacts, Lookup, SageMakerPipelineFacts } from '../../../domain/resources';
import type { SageMakerInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

/**
 * SageMaker answers a Describe of an absent resource with ResourceNotFound or with a
 * ValidationException whose message says so ("Could not find endpoint", "does not exist"); other
 * ValidationExceptions stay unchecked.
 */
const ABSENT = /could not find|not found|does not exist/i;
const missing = (error: unknown) => lookupFailure(error, ['ResourceNotFound', 'ValidationException'], ABSENT);

/** The `Parameters[].Name` of a pipeline definition (JSON); undefined if it is not readable JSON. */
export function definitionParameters(definition: string | undefined): string[] | undefined {
  if (!definition) return undefined;
  try {
    const parsed = JSON.parse(definition) as { Parameters?: Array<{ Name?: unknown }> };
    return (parsed.Parameters ?? []).flatMap((p) => (typeof p.Name === 'string' ? [p.Name] : []));
  } catch {
    return undefined;
  }
}

export class SageMakerResourceInventory implements SageMakerInventory {
  constructor(private readonly client: SageMakerClient) {}

  async sageMakerPipeline(name: string): Promise<Lookup<SageMakerPipelineFacts>> {
    try {
      const out = await this.client.send(new DescribePipelineCommand({ PipelineName: name }));
      const parameters = definitionParameters(out.PipelineDefinition);
      return { state: 'present', facts: parameters ? { parameters } : {} };
    } catch (error) {
      return missing(error);
    }
  }

  async endpoint(name: string): Promise<Lookup<EndpointFacts>> {
    try {
      const out = await this.client.send(new DescribeEndpointCommand({ EndpointName: name }));
      const names = (variants: Array<{ VariantName?: string }> | undefined) =>
        (variants ?? []).flatMap((v) => (v.VariantName ? [v.VariantName] : []));
      return {
        state: 'present',
        facts: {
          ...(out.EndpointStatus ? { status: out.EndpointStatus } : {}),
          variants: names(out.ProductionVariants),
          shadowVariants: names(out.ShadowProductionVariants),
        },
      };
    } catch (error) {
      return missing(error);
    }
  }

  async modelPackageGroup(name: string): Promise<Lookup<object>> {
    try {
      await this.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: name }));
      return { state: 'present', facts: {} };
    } catch (error) {
      return missing(error);
    }
  }
}
