import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AwsCallError } from '../../domain/errors';
import type { Invoker } from '../../ports/endpoints';

/** InvokeEndpoint for the lifecycle hooks' smoke request (its own file: only the hook bundles it). */
export class SageMakerInvoker implements Invoker {
  constructor(private readonly client: SageMakerRuntimeClient) {}

  async invoke(name: string, body: string, contentType: string): Promise<{ body: string; contentType?: string }> {
    try {
      const out = await this.client.send(
        new InvokeEndpointCommand({
          EndpointName: name,
          Body: new TextEncoder().encode(body),
          ContentType: contentType,
        }),
      );
      return {
        body: out.Body ? new TextDecoder().decode(out.Body) : '',
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
      };
    } catch (error) {
      throw new AwsCallError('sagemaker-runtime', 'InvokeEndpoint', error);
    }
  }
}
