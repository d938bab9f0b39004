/**
 * The EventBridge rule patterns in events/*.json, run through moto's real pattern matcher against
 * the real AWS events they are written for. TestEventPattern is a stub in moto 5.2.1 (empty body),
 * so the patterns go through the delivery path instead: one rule per pattern on a custom bus, each
 * rule targeting its own SQS queue, PutEvents with every fixture, then read what each queue got.
 *
 * moto stamps its own account and region on a put event (the fixtures' values are dropped); the
 * patterns only use source, detail-type and detail, so that does not matter here. moto also accepts
 * "aws.*" sources on PutEvents, which real AWS reserves for its services.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsClientConfig, uniqueName } from '../../support/aws';
import { loadFixture } from '../../support/fixtures';

const eventsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'events');

interface AwsEvent {
  source: string;
  'detail-type': string;
  time: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const rules = {
  s3: 's3-object-created.json',
  codepipeline: 'codepipeline-execution-finished.json',
  sagemaker: 'sagemaker-pipeline-execution-finished.json',
} as const;
type Rule = keyof typeof rules;

const S3 = 's3-object-created.eventbridge';
const CP_SUCCEEDED = 'codepipeline-pipeline-execution-state-change.succeeded';
const CP_FAILED = 'codepipeline-pipeline-execution-state-change.failed';
const CP_STARTED = 'codepipeline-pipeline-execution-state-change.started';
const CP_STOPPING = 'codepipeline-pipeline-execution-state-change.stopping';
const CP_CANCELED = 'codepipeline-pipeline-execution-state-change (CANCELED)';
const SM_SUCCEEDED = 'sagemaker-pipeline-execution-status-change';
const SM_EXECUTING = 'sagemaker-pipeline-execution-status-change (Executing)';

/** No published CANCELED example: the FAILED one with the state the user guide lists. */
function canceledCodePipelineEvent(): AwsEvent {
  const event = loadFixture<AwsEvent>(CP_FAILED);
  event.detail.state = 'CANCELED';
  return event;
}

function executingSageMakerEvent(): AwsEvent {
  const event = loadFixture<AwsEvent>(SM_SUCCEEDED);
  event.detail.currentPipelineExecutionStatus = 'Executing';
  return event;
}

const sent: Record<string, AwsEvent> = {
  [S3]: loadFixture(S3),
  [CP_SUCCEEDED]: loadFixture(CP_SUCCEEDED),
  [CP_FAILED]: loadFixture(CP_FAILED),
  [CP_STARTED]: loadFixture(CP_STARTED),
  [CP_STOPPING]: loadFixture(CP_STOPPING),
  [CP_CANCELED]: canceledCodePipelineEvent(),
  [SM_SUCCEEDED]: loadFixture(SM_SUCCEEDED),
  [SM_EXECUTING]: executingSageMakerEvent(),
};

const eventBridge = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());

/** What each rule's queue received, as fixture names, plus the raw message bodies. */
const received = {} as Record<Rule, { names: string[]; bodies: (AwsEvent & { id: string })[] }>;

async function drain(queueUrl: string, expected: number): Promise<(AwsEvent & { id: string })[]> {
  const bodies: (AwsEvent & { id: string })[] = [];
  // moto delivers inside PutEvents; the short poll only guards against a slower delivery path.
  const deadline = Date.now() + 1_000;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
    if (Messages.length === 0 && (bodies.length >= expected || Date.now() > deadline)) return bodies;
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const expected: Record<Rule, string[]> = {
  s3: [S3],
  codepipeline: [CP_SUCCEEDED, CP_FAILED],
  sagemaker: [SM_SUCCEEDED],
};

beforeAll(async () => {
  const bus = uniqueName('patterns');
  await eventBridge.send(new CreateEventBusCommand({ Name: bus }));

  const queues = {} as Record<Rule, string>;
  for (const rule of Object.keys(rules) as Rule[]) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(`patterns-${rule}`) }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    queues[rule] = QueueUrl!;
    // The file's own text, not a re-serialised copy.
    const pattern = readFileSync(join(eventsDir, rules[rule]), 'utf8');
    await eventBridge.send(
      new PutRuleCommand({
        Name: rule,
        EventBusName: bus,
        EventPattern: pattern,
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: rule,
        EventBusName: bus,
        Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }],
      }),
    );
  }

  const names = Object.keys(sent);
  const entries: PutEventsRequestEntry[] = names.map((name) => {
    const event = sent[name]!;
    return {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Resources: event.resources,
      Time: new Date(event.time),
      EventBusName: bus,
    };
  });
  const put = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
  if (put.FailedEntryCount) throw new Error(`PutEvents rejected entries: ${JSON.stringify(put.Entries)}`);
  // Several fixtures share the id "01234567-EXAMPLE": tell deliveries apart by the id PutEvents assigned.
  const nameById = new Map(put.Entries!.map((entry, i) => [entry.EventId!, names[i]!]));

  for (const rule of Object.keys(rules) as Rule[]) {
    const bodies = await drain(queues[rule], expected[rule].length);
    received[rule] = {
      bodies,
      names: bodies.map((body) => nameById.get(body.id) ?? `unknown id ${body.id}`),
    };
  }
}, 120_000);

afterAll(() => {
  eventBridge.destroy();
  sqs.destroy();
});

describe('EventBridge rule patterns in events/*.json against real AWS events (moto matcher)', () => {
  it('the S3 rule matches the EventBridge "Object Created" event', () => {
    expect(received.s3.names).toEqual([S3]);
  });

  it('the CodePipeline rule matches SUCCEEDED, FAILED and CANCELED executions, not STARTED or STOPPING', () => {
    expect([...received.codepipeline.names].sort()).toEqual([CP_CANCELED, CP_FAILED, CP_SUCCEEDED].sort());
  });

  it('the SageMaker rule matches a Succeeded pipeline execution, not one still Executing', () => {
    expect(received.sagemaker.names).toEqual([SM_SUCCEEDED]);
  });

  it('no event reaches a rule written for another service', () => {
    const sourceOf: Record<Rule, string> = {
      s3: 'aws.s3',
      codepipeline: 'aws.codepipeline',
      sagemaker: 'aws.sagemaker',
    };
    for (const rule of Object.keys(rules) as Rule[])
      expect(received[rule].bodies.map((body) => body.source)).toEqual(received[rule].bodies.map(() => sourceOf[rule]));
    const all = Object.values(received).flatMap((r) => r.names);
    expect(new Set(all).size).toBe(all.length);
  });

  it('delivers the event itself: source, detail-type, resources and detail as put', () => {
    for (const { names, bodies } of Object.values(received))
      bodies.forEach((body, i) => {
        const event = sent[names[i]!]!;
        expect(body).toMatchObject({
          source: event.source,
          'detail-type': event['detail-type'],
          resources: event.resources,
          detail: event.detail,
        });
      });
  });
});
