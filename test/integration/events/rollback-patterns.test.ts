/**
 * The rollback rules' patterns (events/*.json) through moto's EventBridge matcher, with the real
 * events: each rule on a custom bus targets its own SQS queue; PutEvents with every fixture; read
 * what each queue received (see patterns.test.ts for why delivery rather than TestEventPattern).
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

const rules = {
  alarm: 'cloudwatch-alarm-state-change.json',
  endpoint: 'sagemaker-endpoint-state-change.json',
  stage: 'codepipeline-stage-failed.json',
} as const;
type Rule = keyof typeof rules;

const stageFailed = () => {
  const e = loadFixture('codepipeline-stage-execution-state-change.stopped');
  e.detail.state = 'FAILED';
  return e;
};
const sent: Record<string, any> = {
  'alarm single-metric': loadFixture('cloudwatch-alarm-state-change.single-metric'),
  'alarm metric-math': loadFixture('cloudwatch-alarm-state-change.metric-math'),
  'alarm composite': loadFixture('cloudwatch-alarm-state-change.composite-with-suppressor'),
  'endpoint in service': loadFixture('sagemaker-endpoint-state-change'),
  'endpoint canary baking': loadFixture('sagemaker-endpoint-deployment-state-change.canary-baking.docs-repaired'),
  'stage stopped': loadFixture('codepipeline-stage-execution-state-change.stopped'),
  'stage failed': stageFailed(),
  'pipeline failed': loadFixture('codepipeline-pipeline-execution-state-change.failed'),
  's3 object': loadFixture('s3-object-created.eventbridge'),
};

const eventBridge = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());
const received = {} as Record<Rule, string[]>;

beforeAll(async () => {
  const bus = uniqueName('rollback-patterns');
  await eventBridge.send(new CreateEventBusCommand({ Name: bus }));
  const queues = {} as Record<Rule, string>;
  for (const rule of Object.keys(rules) as Rule[]) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(`rb-${rule}`) }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    queues[rule] = QueueUrl!;
    await eventBridge.send(
      new PutRuleCommand({
        Name: rule,
        EventBusName: bus,
        EventPattern: readFileSync(`events/${rules[rule]}`, 'utf8'),
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }),
    );
  }
  const names = Object.keys(sent);
  const put = await eventBridge.send(
    new PutEventsCommand({
      Entries: names.map((n) => ({
        Source: sent[n].source,
        DetailType: sent[n]['detail-type'],
        Detail: JSON.stringify(sent[n].detail),
        Resources: sent[n].resources,
        EventBusName: bus,
      })),
    }),
  );
  const nameById = new Map(put.Entries!.map((e, i) => [e.EventId!, names[i]!]));
  for (const rule of Object.keys(rules) as Rule[]) {
    const got: string[] = [];
    for (let empty = 0; empty < 2;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues[rule], MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) empty += 1;
      got.push(...Messages.map((m) => nameById.get(JSON.parse(m.Body!).id) ?? 'unknown'));
    }
    received[rule] = got.sort();
  }
}, 120_000);

afterAll(() => {
  eventBridge.destroy();
  sqs.destroy();
});

describe('rollback rule patterns against real AWS events (moto matcher)', () => {
  it('the alarm rule matches single-metric, metric-math and composite alarm changes only', () => {
    expect(received.alarm).toEqual(['alarm composite', 'alarm metric-math', 'alarm single-metric']);
  });

  it('the endpoint rule matches an endpoint going InService, not one still baking', () => {
    expect(received.endpoint).toEqual(['endpoint in service']);
  });

  it('the stage rule matches a FAILED stage, not a stopped one or a failed pipeline', () => {
    expect(received.stage).toEqual(['stage failed']);
  });
});
