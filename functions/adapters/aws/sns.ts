import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { AwsCallError } from '../../domain/errors';
import type { Notifier } from '../../ports/notifier';

/** The exact Publish input (shared with the memory adapter). Subject: ≤ 100 printable ASCII characters. */
export function publishInput(topicArn: string, subject: string, message: string): PublishCommandInput {
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return { TopicArn: topicArn, Subject: ascii.length > 100 ? `${ascii.slice(0, 97)}...` : ascii, Message: message };
}

export class SnsNotifier implements Notifier {
  constructor(private readonly client: SNSClient) {}

  async notify(topicArn: string, subject: string, message: string): Promise<string> {
    try {
      const response = await this.client.send(new PublishCommand(publishInput(topicArn, subject, message)));
      return response.MessageId ?? '';
    } catch (error) {
      throw new AwsCallError('sns', 'Publish', error);
    }
  }
}
