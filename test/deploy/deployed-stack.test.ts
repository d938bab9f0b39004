/**
 * The real stack: the packaged template (the one the unit layer's template tests read) deployed
 * with `osls deploy --package` into a moto server of its own, then
 *   1. every resource read back through its service's API and compared with the template;
 *      the types moto's CloudFormation skips are checked against the template instead;
 *   2. every real EventBridge payload routed through the deployed rules' own patterns;
 *   3. the bundled dataArrived run in process from its zip, with the deployed configuration, from
 *      an S3 drop to its manifest.
 * Numbers for the record (deploy time, counts, routes) are printed once at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetFunctionConfigurationCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { fixturesDir, loadFixture } from '../support/fixtures';
import { packagedTemplate } from '../support/packaged-template';
import { resourcesOfType } from './support/intrinsics';
import { clients, LIVE, type Clients } from './support/live-checks';
import { alarmCoverage, PARTIAL, STATIC } from './support/static-checks';
import { deployStack, type DeployedStack } from './support/stack';
import { asPublished, BOUND, NOT_EVENTBRIDGE, type RouteCase } from './routing-table';

const DEPLOY_BUDGET_MS = 300_000;
const RULE_PREFIX = 'mlops-controller-dev-';
const SAMPLES_DIR = join(process.cwd(), 'events', 'samples');

// Read at collection time so each resource type gets its own test (packages once if stale); the
// tests compare with the template that was deployed (stack.template, the same file).
const types = [...new Set(Object.values(packagedTemplate().Resources).map((r) => r.Type))].sort();

let stack: DeployedStack;
let c: Clients;
const record: string[] = [];

beforeAll(async () => {
  stack = await deployStack();
  c = clients(stack.clientConfig);
  record.push(`osls deploy --package into moto: ${(stack.deployMs / 1000).toFixed(1)} s`);
}, DEPLOY_BUDGET_MS);

afterAll(async () => {
  await stack?.stop();
  if (record.length) console.info(record.join('\n'));
}, 60_000);

describe('the packaged stack deployed with osls deploy into moto', () => {
  it('every resource type of the template is either verified live or checked statically', () => {
    const deployedTypes = [...new Set(Object.values(stack.template.Resources).map((r) => r.Type))].sort();
    expect(deployedTypes).toEqual(types);
    expect(types.filter((t) => !LIVE[t] && !STATIC[t])).toEqual([]);
    expect(types.filter((t) => LIVE[t] && STATIC[t])).toEqual([]);
  });

  it("moto's CloudFormation created every live-checked resource and skipped exactly the statically checked ones", () => {
    const live = Object.entries(stack.template.Resources).filter(([, r]) => LIVE[r.Type]);
    const absent = live.filter(([id, r]) => stack.resources.get(id)?.type !== r.Type).map(([id]) => id);
    expect(absent).toEqual([]);
    const staticCount = Object.values(stack.template.Resources).filter((r) => STATIC[r.Type]).length;
    expect(stack.skipped).toBe(staticCount);
    record.push(
      `resources: ${live.length} verified live (${types.filter((t) => LIVE[t]).length} types), ${staticCount} checked statically: ${types.filter((t) => STATIC[t]).join(', ')}`,
    );
  });

  describe.each(types.filter((t) => LIVE[t]))('%s', (type) => {
    it('each one exists in moto with the settings the template declares', async () => {
      const problems: string[] = [];
      for (const [id, props] of resourcesOfType(stack.template, type))
        for (const p of await LIVE[type]!(id)(props, c, stack)) problems.push(`${id}: ${p}`);
      expect(problems).toEqual([]);
    });
  });

  describe.each(types.filter((t) => STATIC[t]))('%s (moto skips it: checked against the template)', (type) => {
    it('each one refers only to deployed resources and follows its own rules', () => {
      const problems = resourcesOfType(stack.template, type).flatMap(([id, props]) =>
        STATIC[type]!.check(id, props, stack.template, stack),
      );
      expect(problems).toEqual([]);
    });
  });

  it('the settings moto accepts and drops (table TTL/PITR/SSE, function architecture) hold in the template', () => {
    const problems = Object.entries(PARTIAL).flatMap(([type, checks]) =>
      resourcesOfType(stack.template, type).flatMap(([id, props]) =>
        Object.entries(checks)
          .filter(([, holds]) => !holds(props))
          .map(([setting]) => `${id}: ${setting}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('every function has an errors and a throttles alarm, every dead-letter queue a not-empty alarm', () => {
    expect(alarmCoverage(stack.template)).toEqual([]);
  });
});

function eventBridgePayloads(): string[] {
  const isEvent = (file: string) => 'detail-type' in JSON.parse(readFileSync(file, 'utf8'));
  const fixtures = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));
  const samples = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json'));
  const all = [
    ...fixtures.map((f) => ({ f, path: join(fixturesDir, f) })),
    ...samples.map((f) => ({ f: `samples/${f}`, path: join(SAMPLES_DIR, f) })),
  ];
  const others = all.filter((x) => !isEvent(x.path)).map((x) => x.f.replace(/^samples\//, ''));
  expect([...new Set(others)].sort()).toEqual([...NOT_EVENTBRIDGE].sort());
  return all.filter((x) => isEvent(x.path)).map((x) => x.f);
}

function payloadOf(route: RouteCase): Record<string, any> {
  const event = route.file.startsWith('samples/')
    ? JSON.parse(readFileSync(join(SAMPLES_DIR, route.file.slice('samples/'.length)), 'utf8'))
    : loadFixture(route.file);
  route.edit?.(event);
  return event;
}

describe('real EventBridge payloads through the deployed rules', () => {
  /** Rule short name → its test queue. */
  const queues = new Map<string, string>();

  beforeAll(async () => {
    const { Rules = [] } = await c.events.send(new ListRulesCommand({ NamePrefix: RULE_PREFIX }));
    for (const rule of Rules) {
      // moto cannot invoke a Lambda target without Docker: PutEvents to a rule that has one
      // returns 500 (NotImplementedError in moto's events). The function targets were verified
      // above; here they are removed.
      const { Targets = [] } = await c.events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
      await c.events.send(new RemoveTargetsCommand({ Rule: rule.Name, Ids: Targets.map((t) => t.Id!) }));
      // moto also matches a schedule rule (no pattern) to every PutEvents event, which AWS never
      // does: the schedule rules keep no target, so they take no part in routing.
      if (!rule.EventPattern) continue;
      // Each pattern rule gets one SQS queue as its target, so its own deployed pattern decides.
      const short = rule.Name!.slice(RULE_PREFIX.length);
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `route-${short}` }));
      const { Attributes } = await c.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await c.events.send(
        new PutTargetsCommand({ Rule: rule.Name, Targets: [{ Id: 'route-test', Arn: Attributes!.QueueArn }] }),
      );
      queues.set(short, QueueUrl!);
    }
  });

  async function drain(queueUrl: string): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < 50; i += 1) {
      const { Messages = [] } = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return out;
      await c.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      out.push(...Messages);
    }
    throw new Error(`${queueUrl} did not empty`);
  }

  /** What identifies a payload in a target queue: the event's source, detail-type and detail. */
  const identity = (e: Record<string, any>) => JSON.stringify([e.source, e['detail-type'], e.detail]);

  it('routes every payload as published, and each bound variant, to exactly the expected rules', async () => {
    expect([...queues.keys()].sort()).toEqual([
      'alarm-state-change',
      'approval-gate',
      'codebuild-finished',
      'codepipeline-finished',
      'data-arrived',
      'endpoint-state-change',
      'registry-gate',
      'sagemaker-finished',
      'stage-failed',
      'stepfunctions-finished',
    ]);
    const cases = [...asPublished(eventBridgePayloads()), ...BOUND].map((rc) => ({
      ...rc,
      label: rc.change ? `${rc.file} [${rc.change}]` : rc.file,
      event: payloadOf(rc),
    }));
    // Each distinct payload is put once (a fixture and its copy in events/samples are one): moto
    // spends ~0.8 s on every delivery (its input-transformer parser is rebuilt per event).
    const distinct = new Map(cases.map(({ event }) => [identity(event), event]));
    const events = [...distinct.values()];
    // PutEvents takes up to 10 entries; moto delivers to the targets before it answers.
    for (let i = 0; i < events.length; i += 10) {
      const { FailedEntryCount, Entries = [] } = await c.events.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + 10).map((event) => ({
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources,
          })),
        }),
      );
      expect({ FailedEntryCount, errors: Entries.filter((e) => e.ErrorCode) }).toEqual({
        FailedEntryCount: 0,
        errors: [],
      });
    }
    // Rule → how many copies of each payload its queue received.
    const received = new Map<string, Map<string, number>>();
    for (const [rule, url] of queues) {
      const counts = new Map<string, number>();
      for (const m of await drain(url)) {
        const key = identity(JSON.parse(m.Body!));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      received.set(rule, counts);
    }
    // Every message a queue received is a payload that was put, delivered once.
    const stray = [...received].flatMap(([rule, counts]) =>
      [...counts]
        .filter(([key, n]) => n !== 1 || !distinct.has(key))
        .map(([key, n]) => `${rule}: ${n} copies of ${key.slice(0, 120)}`),
    );
    expect(stray).toEqual([]);
    const got = cases.map(({ label, event }) => ({
      payload: label,
      rules: [...queues.keys()].filter((rule) => received.get(rule)!.has(identity(event))).sort(),
    }));
    const want = cases.map(({ label, expected }) => ({ payload: label, rules: [...expected].sort() }));
    expect(got).toEqual(want);
    const reaching = got.filter((g) => g.rules.length);
    record.push(
      `routing: ${got.length} payloads (${cases.length - BOUND.length} as published, ${BOUND.length} bound; ${events.length} distinct put), ${reaching.length} reach a rule, ${got.length - reaching.length} reach none`,
      ...got.map((g) => `  ${g.payload} -> ${g.rules.join(', ') || 'none'}`),
    );
  });
});

describe('the bundled dataArrived, from its zip, with the deployed configuration', () => {
  const DATA = 'acme-ml-data';
  const ARTIFACTS = 'acme-ml-artifacts';
  const FUNCTION = 'mlops-controller-dev-dataArrived';
  let unpacked: string;
  const savedEnv = { ...process.env };

  afterAll(() => {
    process.env = savedEnv;
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  });

  it('turns an S3 drop delivered through the deployed queue into its manifest, batch record and start decision', async () => {
    // moto runs an SQS event source mapping without Docker by deleting the messages unread:
    // switch the deployed mapping off, and be its poller here.
    const config = await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
    const { EventSourceMappings = [] } = await c.lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: config.FunctionArn }),
    );
    expect(EventSourceMappings).toHaveLength(1);
    await c.lambda.send(new UpdateEventSourceMappingCommand({ UUID: EventSourceMappings[0]!.UUID, Enabled: false }));

    const table = config.Environment!.Variables!.STATE_TABLE!;
    // The policy's buckets are the account's own (the stack watches them, it does not create them).
    for (const Bucket of [DATA, ARTIFACTS]) await c.s3.send(new CreateBucketCommand({ Bucket }));
    // moto lacks CodePipeline StartPipelineExecution (500): the start goes through the guardrails
    // with the kill switch on (the operator's pause), so it is decided and recorded, not sent.
    await new DynamoKillSwitch(c.dynamo, table).set({
      paused: true,
      by: 'deploy-test',
      reason: 'moto has no CodePipeline starts',
    });

    const day = 'churn/daily/2026-12-03 run/';
    const csv = 'customer_id,tenure_months,monthly_charges,churned\n';
    const drop = [
      { key: `${day}part-00000.csv`, body: `${csv}c-1,12,70.5,0\n` },
      { key: `${day}part-00001.csv`, body: `${csv}c-2,3,99.9,1\n` },
      { key: `${day}_SUCCESS`, body: '' },
    ];
    const { QueueUrl } = await c.sqs.send(new GetQueueUrlCommand({ QueueName: 'mlops-controller-dev-data-arrived' }));
    const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const stored: Array<{ key: string; size: number; etag: string }> = [];
    for (const [i, o] of drop.entries()) {
      const put = await c.s3.send(new PutObjectCommand({ Bucket: DATA, Key: o.key, Body: o.body }));
      const etag = put.ETag!.replace(/"/g, '');
      stored.push({ key: o.key, size: Buffer.byteLength(o.body), etag });
      // The notification S3 sends for this PutObject (fixture shape; keys URL-encoded, '+' for spaces).
      const notification = loadFixture('s3-object-created-put.notification.json');
      const r = notification.Records[0];
      r.awsRegion = stack.region;
      r.eventTime = new Date().toISOString();
      r.s3.bucket = { ...r.s3.bucket, name: DATA, arn: `arn:aws:s3:::${DATA}` };
      r.s3.object = {
        key: encodeURIComponent(o.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
        size: Buffer.byteLength(o.body),
        eTag: etag,
        sequencer: `0055AED6DCD9028${i}E5`,
      };
      await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(notification) }));
    }

    // What Lambda's poller would hand the function: one batch of up to 10 (the mapping's BatchSize).
    const received: Message[] = [];
    for (let i = 0; i < 10 && received.length < drop.length; i += 1) {
      const { Messages = [] } = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
      );
      received.push(...Messages);
    }
    expect(received).toHaveLength(drop.length);
    const envelope = loadFixture('s3-object-created-put.via-sqs.powertools.json').Records[0];
    const sqsEvent = {
      Records: received.map((m) => ({
        ...envelope,
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        attributes: m.Attributes,
        md5OfBody: m.MD5OfBody,
        eventSourceARN: Attributes!.QueueArn,
        awsRegion: stack.region,
      })),
    };

    unpacked = mkdtempSync(join(tmpdir(), 'data-arrived-'));
    execFileSync('unzip', ['-q', join(stack.packageDir, 'dataArrived.zip'), '-d', unpacked]);
    const [bundle] = readdirSync(join(unpacked, 'functions', 'handlers'));
    // The function's environment as Lambda would set it: its deployed variables, the region, the
    // role's credentials; the endpoint sends every SDK call to this stack's moto.
    process.env = {
      PATH: savedEnv.PATH,
      ...config.Environment!.Variables,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_REGION: stack.region,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_ENDPOINT_URL: stack.endpoint,
    };
    const { handler } = await import(pathToFileURL(join(unpacked, 'functions', 'handlers', bundle!)).href);
    const result = await handler(sqsEvent, {
      functionName: FUNCTION,
      awsRequestId: 'deploy-test-1',
      getRemainingTimeInMillis: () => (config.Timeout ?? 30) * 1000,
    });
    expect(result).toEqual({ batchItemFailures: [] });
    for (const m of received) await c.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    process.env = savedEnv;

    // The manifest lists exactly the batch's data objects (the marker closes it, it is not data);
    // keys decoded from the notification's URL encoding.
    const key = 'mlops-controller/manifests/churn/batch-000000.json';
    const manifest = JSON.parse(
      await (await c.s3.send(new GetObjectCommand({ Bucket: ARTIFACTS, Key: key }))).Body!.transformToString(),
    );
    const data = stored.filter((s) => !s.key.endsWith('/_SUCCESS'));
    expect(manifest).toMatchObject({
      rule: 'churn',
      batch: 0,
      objectCount: data.length,
      totalBytes: data.reduce((sum, o) => sum + o.size, 0),
      objects: data.map((o) => ({ bucket: DATA, key: o.key, size: o.size, etag: o.etag })),
    });

    const { Items = [] } = await c.dynamo.send(new ScanCommand({ TableName: table }));
    const batch = Items.find((i) => i.pk?.S === 'RUNS#churn' && i.sk?.S === 'BATCH#0000000000');
    expect({
      status: batch?.status?.S,
      manifestUri: batch?.manifestUri?.S,
      executionId: batch?.executionId?.S,
    }).toEqual({
      status: 'STARTED',
      manifestUri: `s3://${ARTIFACTS}/${key}`,
      executionId: expect.stringMatching(/^withheld:/),
    });
    const decisions = Items.filter((i) => i.kind?.S?.startsWith('retraining.'))
      .sort((x, y) => x.sk!.S!.localeCompare(y.sk!.S!))
      .map((i) => [i.kind!.S, i.subject!.S, i.outcome!.S]);
    expect(decisions).toEqual([
      ['retraining.batch', 'churn/0', 'CLOSED'],
      ['retraining.start', 'churn/0', 'STARTED'],
      // A withheld start never runs: the rule is freed as the run's end would free it.
      ['retraining.release', 'churn/0', 'WITHHELD'],
    ]);
    const start = Items.find((i) => i.kind?.S === 'retraining.start')!;
    expect(JSON.parse(start.actions!.S!)).toEqual([
      expect.objectContaining({
        service: 'codepipeline',
        operation: 'StartPipelineExecution',
        target: 'churn-retrain',
        status: 'withheld',
      }),
    ]);
    record.push(
      `dataArrived bundle: ${received.length} SQS records -> s3://${ARTIFACTS}/${key} (${manifest.objectCount} objects), decisions ${decisions.map((d) => d.join(' ')).join('; ')}`,
    );
  });
});
