import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Lookup } from '../../../domain/resources';
import type { TopicInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

export class SnsInventory implements TopicInventory {
  constructor(private readonly client: SNSClient) {}

  async topic(arn: string): Promise<Lookup<object>> {
    try {
      await this.client.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      return { state: 'present', facts: {} };
    } catch (error) {
      return lookupFailure(error, ['NotFoundException', 'NotFound']);
    }
  }
}
