import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDecisionLog } from '../../../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../../../functions/adapters/aws/dynamodb/kill-switch';
import { writes } from '../../../../functions/domain/writes';
import { EventBridgeDecisionEvents } from '../../../../functions/adapters/aws/eventbridge';
import type { Clock } from '../../../../functions/ports/clock';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { describeDecisionEventsContract, type PublishedEvent } from '../../../contract/decision-events.contract';
import { describeDecisionLogContract } from '../../../contract/decision-log.contract';
import { describeKillSwitchContract } from '../../../contract/kill-switch.contract';
import { countCalls } from '../../../support/call-counter';
import { serializeRequests } from '../../../support/serialize-requests';

const dynamo = new DynamoDBClient(awsClientConfig());
const events = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());
const table = uniqueName('kill-switch');

beforeAll(() => createStateTable(dynamo, table));
afterAll(() => {
  dynamo.destroy();
  events.destroy();
  sqs.destroy();
});

class ManualClock implements Clock {
  constructor(public t = Date.parse('2026-11-22T08:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}

/** Each test gets its own table so one test's pause does not leak into the next. */
async function killSwitches(cacheSeconds: number) {
  const own = uniqueName('kill-switch');
  await createStateTable(dynamo, own);
  const clock = new ManualClock();
  return {
    operator: new DynamoKillSwitch(dynamo, own, { cacheSeconds, clock }),
    fn: new DynamoKillSwitch(dynamo, own, { cacheSeconds, clock }),
    advance: (seconds: number) => void (clock.t += seconds * 1000),
    cacheSeconds,
    clock,
  };
}

describeKillSwitchContract('dynamodb (moto)', () => killSwitches(30));

/** The commit is a transaction: moto needs its requests one at a time to apply it atomically. */
const serialized = new DynamoDBClient(awsClientConfig());
serializeRequests(serialized);
afterAll(() => serialized.destroy());

async function decisionLog() {
  const own = uniqueName('decisions');
  await createStateTable(serialized, own);
  const clock = new ManualClock();
  const killSwitch = new DynamoKillSwitch(serialized, own, { cacheSeconds: 30, clock });
  const log = new DynamoDecisionLog(serialized, own, { clock, killSwitch });
  return {
    log,
    killSwitch,
    operator: new DynamoKillSwitch(serialized, own, { cacheSeconds: 30, clock }),
    records: () => log.list({ since: '2026-11-01T00:00:00.000Z' }),
    advance: (seconds: number) => void (clock.t += seconds * 1000),
    now: () => clock.now().toISOString(),
  };
}

describeDecisionLogContract('dynamodb (moto)', decisionLog);

describe('DynamoDecisionLog commit', () => {
  it('is one TransactWriteItems call; the writes done after it cost none', async () => {
    const s = await decisionLog();
    const counted = countCalls(serialized);
    const committed = await s.log.commit(
      {
        kind: 'gate.registry',
        subject: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/2',
        outcome: 'APPROVE',
        reasons: ['APPROVE by gate g'],
        inputs: {},
        at: s.now(),
      },
      { key: 'GATE-DECIDE#g/2', ttlSeconds: 45 },
      [writes.updateModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/g/2')],
    );
    await committed!.done();
    expect(counted.calls).toEqual(['DynamoDB.TransactWriteItems']);
  });

  it('holds the commit to the kill switch inside the same call', async () => {
    const s = await decisionLog();
    const counted = countCalls(serialized);
    const committed = await s.log.commit(
      { kind: 'rollback.codedeploy', subject: 'app/live', outcome: 'STOPPED', reasons: [], inputs: {}, at: s.now() },
      { key: 'ROLLBACK#app/live#d-1', ttlSeconds: 300 },
      [writes.stopDeployment('d-1', 'app', 'live')],
      { unlessPaused: true },
    );
    expect(committed && 'done' in committed).toBe(true);
    expect(counted.calls).toEqual(['DynamoDB.TransactWriteItems']);
  });
});

describe('DynamoKillSwitch cache', () => {
  it('a function keeps its cached answer until the cache time has passed, then reads the pause', async () => {
    const s = await killSwitches(30);
    expect((await s.fn.state()).paused).toBe(false);
    await s.operator.set({ paused: true, by: 'alice' });
    s.advance(29);
    expect((await s.fn.state()).paused).toBe(false);
    s.advance(2);
    expect((await s.fn.state()).paused).toBe(true);
  });

  it('a pause set by one instance is read by a fresh instance with who, why and when', async () => {
    const s = new DynamoKillSwitch(dynamo, table, { cacheSeconds: 0 });
    await s.set({ paused: true, by: 'alice', reason: 'incident 42' });
    expect(await new DynamoKillSwitch(dynamo, table, { cacheSeconds: 0 }).state()).toEqual(
      expect.objectContaining({ paused: true, by: 'alice', reason: 'incident 42', at: expect.any(String) }),
    );
  });
});

/** The entries of every PutEvents request the shared client sends, in order. */
const putEventsRequests: PutEventsRequestEntry[][] = [];
events.middlewareStack.add(
  (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
    if (context.commandName === 'PutEventsCommand') putEventsRequests.push(args.input.Entries);
    return next(args);
  },
  { step: 'initialize', name: 'recordPutEvents' },
);

/** A bus whose rule for `mlops.controller` targets a queue: what a consumer of the events receives. */
async function busToQueue() {
  const bus = uniqueName('decisions');
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('decision-consumer') }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: QueueUrl!, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: 'all-decisions',
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ['mlops.controller'], 'detail-type': ['Controller Decision'] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'all-decisions',
      EventBusName: bus,
      Targets: [{ Id: 'consumer', Arn: Attributes!.QueueArn! }],
    }),
  );
  const seen: PublishedEvent[] = [];
  const first = putEventsRequests.length;
  return {
    events: new EventBridgeDecisionEvents(events, bus),
    requests: () => putEventsRequests.slice(first),
    async received(expected: number) {
      // Delivery to the queue is asynchronous: read until the expected count (or 10 empty reads).
      for (let empty = 0; seen.length < expected && empty < 10;) {
        const page = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: QueueUrl!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        if (!page.Messages?.length) empty += 1;
        for (const m of page.Messages ?? []) {
          const e = JSON.parse(m.Body!) as { source: string; 'detail-type': string; detail: Record<string, unknown> };
          seen.push({ source: e.source, detailType: e['detail-type'], detail: e.detail });
          await sqs.send(new DeleteMessageCommand({ QueueUrl: QueueUrl!, ReceiptHandle: m.ReceiptHandle! }));
        }
      }
      return seen;
    },
  };
}

describeDecisionEventsContract('eventbridge (moto)', busToQueue);
