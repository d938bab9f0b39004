/**
 * The SNS sink for explained decisions (`controller.decisions.topicArn`). A module of its own so
 * that a bundle whose policy names no topic leaves the SNS client out (≈ 24 KB; the gates keep it
 * for their HOLD notices): infra/esbuild-plugins.cjs then resolves this import to
 * no-decision-sink.ts. Tests and `simulate` are not bundled and always load this file.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../../adapters/aws/sns';
import type { Notifier } from '../../ports/notifier';
import type { Shared } from '../runtime';

export function decisionNotifier(
  topicArn: string | undefined,
  clientConfig: Shared['clientConfig'],
): Notifier | undefined {
  return topicArn ? new SnsNotifier(new SNSClient(clientConfig)) : undefined;
}
