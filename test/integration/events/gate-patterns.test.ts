/**
 * The gate rules' patterns (events/model-package-pending.json, events/codepipeline-approval-started.json)
 * through moto's matcher, as test/integration/events/patterns.test.ts does for the retraining rules:
 * a rule per pattern on a custom bus, an SQS target each, PutEvents with real fixtures.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { awsClientConfig, uniqueName } from '../../support/aws';
import { loadFixture } from '../../support/fixtures';

const eventBridge = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());

function pending() {
  const e = loadFixture('sagemaker-model-package-state-change.json');
  e.detail.ModelApprovalStatus = 'PendingManualApproval';
  return e;
}
function approval(state: string) {
  const e = loadFixture('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json');
  e.detail.type = { owner: 'AWS', category: 'Approval', provider: 'Manual', version: 1 };
  e.detail.state = state;
  return e;
}

const sent: Record<string, { source: string; 'detail-type': string; detail: unknown }> = {
  'package pending': pending(),
  'package rejected (docs fixture)': loadFixture('sagemaker-model-package-state-change.json'),
  'approval started': approval('STARTED'),
  'approval succeeded': approval('SUCCEEDED'),
  'codedeploy action started (docs fixture)': loadFixture(
    'codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json',
  ),
  'sagemaker pipeline execution': loadFixture('sagemaker-pipeline-execution-status-change.json'),
};

async function receivedBy(patternFile: string): Promise<string[]> {
  const bus = uniqueName('gate-patterns');
  await eventBridge.send(new CreateEventBusCommand({ Name: bus }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('gate-patterns') }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await eventBridge.send(
    new PutRuleCommand({ Name: 'r', EventBusName: bus, EventPattern: readFileSync(`events/${patternFile}`, 'utf8') }),
  );
  await eventBridge.send(
    new PutTargetsCommand({ Rule: 'r', EventBusName: bus, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }),
  );
  const names = Object.keys(sent);
  const put = await eventBridge.send(
    new PutEventsCommand({
      Entries: names.map((n) => ({
        Source: sent[n]!.source,
        DetailType: sent[n]!['detail-type'],
        Detail: JSON.stringify(sent[n]!.detail),
        EventBusName: bus,
      })),
    }),
  );
  const nameById = new Map(put.Entries!.map((entry, i) => [entry.EventId!, names[i]!]));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return Messages.map((m) => nameById.get((JSON.parse(m.Body!) as { id: string }).id) ?? 'unknown').sort();
}

afterAll(() => {
  eventBridge.destroy();
  sqs.destroy();
});

describe('gate rule patterns against real AWS events (moto matcher)', () => {
  it('the registry gate rule matches a package pending approval only', async () => {
    expect(await receivedBy('model-package-pending.json')).toEqual(['package pending']);
  });

  it('the approval gate rule matches an approval action that STARTED only', async () => {
    expect(await receivedBy('codepipeline-approval-started.json')).toEqual(['approval started']);
  });
});
