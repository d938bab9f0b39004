import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { AwsCallError, EndpointConfigMissingError } from '../../domain/errors';
import type { EndpointState, Endpoints } from '../../ports/endpoints';

const configNotFound = (error: unknown) =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /could not find endpoint configuration/i.test(error.message);

const notFound = (error: unknown) =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /could not find|does not exist/i.test(error.message);

export class SageMakerEndpoints implements Endpoints {
  constructor(private readonly client: SageMakerClient) {}

  async describe(name: string): Promise<EndpointState | undefined> {
    try {
      const out = await this.client.send(new DescribeEndpointCommand({ EndpointName: name }));
      return { name, status: out.EndpointStatus ?? 'Unknown', config: out.EndpointConfigName ?? '' };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw new AwsCallError('sagemaker', 'DescribeEndpoint', error);
    }
  }

  async packageOf(config: string): Promise<string | undefined> {
    try {
      const cfg = await this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: config }));
      const model = cfg.ProductionVariants?.[0]?.ModelName;
      if (!model) return undefined;
      const m = await this.client.send(new DescribeModelCommand({ ModelName: model }));
      return m.PrimaryContainer?.ModelPackageName ?? m.Containers?.find((c) => c.ModelPackageName)?.ModelPackageName;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw new AwsCallError('sagemaker', 'DescribeEndpointConfig', error);
    }
  }

  async configExists(config: string): Promise<boolean> {
    try {
      await this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: config }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw new AwsCallError('sagemaker', 'DescribeEndpointConfig', error);
    }
  }

  async update(name: string, config: string): Promise<void> {
    try {
      // Without it SageMaker resets every variant to the old config's initial instance count and
      // weight (the default is false): an autoscaled endpoint would shrink in the middle of an incident.
      await this.client.send(
        new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: config, RetainAllVariantProperties: true }),
      );
    } catch (error) {
      if (configNotFound(error)) throw new EndpointConfigMissingError(config, error);
      throw new AwsCallError('sagemaker', 'UpdateEndpoint', error);
    }
  }
}
