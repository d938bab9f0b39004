import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { AwsCallError } from '../../domain/errors';
import type { TaskDefinitions } from '../../ports/redeploy-facts';

/** ECS task definitions, read only: an ECS redeploy needs its task definition still ACTIVE. */
export class EcsTaskDefinitions implements TaskDefinitions {
  constructor(private readonly client: ECSClient) {}

  async status(taskDefinition: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      return out.taskDefinition?.status;
    } catch (error) {
      // ECS answers an unknown family or revision with ClientException "Unable to describe task definition".
      if (error instanceof Error && error.name === 'ClientException' && /unable to describe/i.test(error.message))
        return undefined;
      throw new AwsCallError('ecs', 'DescribeTaskDefinition', error);
    }
  }
}
