import { publishInput } from '../aws/sns';
import type { Notifier } from '../../ports/notifier';
import type { MemoryWorld } from './world';

/** SNS for the embedded backend: each Publish is journaled. */
export class MemoryNotifier implements Notifier {
  constructor(private readonly world: MemoryWorld) {}

  async notify(topicArn: string, subject: string, message: string): Promise<string> {
    this.world.record('sns', 'Publish', { ...publishInput(topicArn, subject, message) });
    return this.world.nextId('message');
  }
}
