/** Tells people about decisions left to them (HOLD). */
export interface Notifier {
  /** Publishes to the topic; returns the message id. */
  notify(topicArn: string, subject: string, message: string): Promise<string>;
}
