import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { AwsCallError } from '../../domain/errors';
import type { Notifier } from '../../ports/notifier';

/** Publish `Subject`: "less than 100 characters long", no line breaks or control characters (API reference). */
export const SUBJECT_MAX = 99;
/** Publish `Message`: at most 256 KB, "262,144 bytes, not 262,144 characters" (API reference). */
export const MESSAGE_MAX_BYTES = 262_144;
const CUT = '\n… (truncated)';

/** The longest prefix of `text` within `max` UTF-8 bytes, never splitting a character. */
function withinBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const room = max - Buffer.byteLength(CUT, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > room) break;
    end += ch.length;
  }
  return `${text.slice(0, end)}${CUT}`;
}

/** The exact Publish input (shared with the memory adapter). Subject: printable ASCII, under 100 characters. */
export function publishInput(topicArn: string, subject: string, message: string): PublishCommandInput {
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return {
    TopicArn: topicArn,
    Subject: ascii.length > SUBJECT_MAX ? `${ascii.slice(0, SUBJECT_MAX - 3)}...` : ascii,
    Message: withinBytes(message, MESSAGE_MAX_BYTES),
  };
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
