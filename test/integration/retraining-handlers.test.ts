/**
 * The retraining handlers as Lambda runs them: the exported `handler` (middy, the runtime of
 * functions/config/retraining-runtime.ts building its own SDK clients from the environment) against
 * moto for S3, DynamoDB, SageMaker pipelines and SNS. What the memory layer cannot show: the reads
 * (a new object's head at its version, the guard, the batch records) are made by real clients, so
 * the IAM upper bound sees each function's role used by its own code.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { validatePolicy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { handler as alarmFired } from '../../functions/handlers/alarm-fired';
import { handler as dataArrived } from '../../functions/handlers/data-arrived';
import { handler as executionFinished } from '../../functions/handlers/execution-finished';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { firingOnMoto, sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import {
  objectCreated as created,
  pipelineExecutions,
  pipelineSucceeded,
  sageMakerPipeline,
} from '../support/retraining-moto';

const config = awsClientConfig();
const dynamo = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const sns = new SNSClient(config);
const sqs = new SQSClient(config);
const table = uniqueName('retraining-handlers');
const source = uniqueName('data');
const manifests = uniqueName('manifests');
const pipeline = uniqueName('retrain');
let queueUrl = '';
const context = { functionName: 'retraining-handlers', awsRequestId: 'r-1' } as Context;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  await sageMakerPipeline(sagemaker, pipeline);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('decisions') }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('decisions') }));
  queueUrl = queue.QueueUrl!;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));

  // What Lambda gives the function: its table and (here) moto as every client's endpoint.
  process.env.STATE_TABLE = table;
  process.env.AWS_ENDPOINT_URL = motoEndpoint();

  usePolicy(
    validatePolicy({
      version: 1,
      controller: {
        accounts: ['123456789012'],
        regions: ['us-east-1'],
        manifests: { bucket: manifests },
        // Every decision is notified, so a release (routine) reaches the topic too.
        decisions: { topicArn: TopicArn, routine: true },
      },
      retraining: [
        {
          name: 'r',
          source: { bucket: source, prefix: 'p/' },
          target: { type: 'sagemaker', name: pipeline, manifestParameter: 'ManifestUri' },
          trigger: { maxObjects: 1 },
          schema: { format: 'csv', columns: ['a', 'b'] },
        },
      ],
      // A drift alarm asks for retraining: the alarm function records the request, the sweeper starts it.
      rollback: [{ name: 'drift', alarms: { names: ['ServerCpuTooHigh'] }, retrain: 'r' }],
    }),
  );
});
afterAll(() => {
  // Workers run other test files after this one: leave their environment as it was.
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  for (const c of [dynamo, s3, sagemaker, sns, sqs]) c.destroy();
});

async function put(key: string, body: string): Promise<{ key: string; size: number; versionId: string }> {
  const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body }));
  return { key, size: Buffer.byteLength(body), versionId: VersionId! };
}

const objectCreated = (o: { key: string; size: number; versionId?: string }) => created(source, o);
const executions = () => pipelineExecutions(sagemaker, pipeline);

async function decisions(): Promise<Array<[string | undefined, string | undefined, string | undefined]>> {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
  return Items.filter((i) => i.kind?.S?.startsWith('retraining.'))
    .map((i): [string | undefined, string | undefined, string | undefined] => [i.kind?.S, i.subject?.S, i.outcome?.S])
    .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
}

/** The decision notifications the topic delivered to the queue, by subject; bounded by the queue's answers. */
async function notifications(count: number): Promise<string[]> {
  const subjects: string[] = [];
  for (let i = 0; i < 20 && subjects.length < count; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of Messages) subjects.push(String(JSON.parse(m.Body!).Subject));
  }
  return subjects.sort();
}

describe('the retraining handlers on their own runtime (moto)', () => {
  it('dataArrived reads the new object at its version, writes the manifest and starts the pipeline; executionFinished releases the rule, notifies and starts the batch waiting behind it', async () => {
    const first = await put('p/one.csv', 'a,b\n1,2\n');
    await dataArrived(objectCreated(first), context);

    const [execution] = await executions();
    expect(execution).toBeDefined();
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: manifests }));
    expect(Contents.map((c) => c.Key)).toEqual(['mlops-controller/manifests/r/batch-000000.json']);

    // An unversioned notification: the head is read without a version. The rule is exclusive, so
    // this batch waits for the first run.
    const second = await put('p/two.csv', 'a,b\n3,4\n');
    await dataArrived(objectCreated({ key: second.key, size: second.size }), context);
    expect(await executions()).toHaveLength(1);

    await executionFinished(pipelineSucceeded(execution!), context);
    expect(await executions()).toHaveLength(2);
    expect(await decisions()).toEqual([
      ['retraining.batch', 'r/0', 'CLOSED'],
      ['retraining.batch', 'r/1', 'CLOSED'],
      ['retraining.defer', 'r/1', 'DEFERRED'],
      ['retraining.release', 'r/0', 'Succeeded'],
      ['retraining.start', 'r/0', 'STARTED'],
      ['retraining.start', 'r/1', 'STARTED'],
    ]);
    expect(await notifications(6)).toEqual(
      ['batch CLOSED', 'batch CLOSED', 'defer DEFERRED', 'release Succeeded', 'start STARTED', 'start STARTED'].map(
        (s) => `mlops-controller retraining.${s}`,
      ),
    );
  });

  it('alarmRollback records a retraining request for an alarm bound to retraining, and starts nothing itself', async () => {
    const cloudwatch = new CloudWatchClient(config);
    await firingOnMoto(cloudwatch, ['ServerCpuTooHigh']);
    cloudwatch.destroy();
    const before = await executions();
    await alarmFired(
      sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()),
      context,
    );
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    expect(
      Items.filter((i) => i.pk?.S?.startsWith('RETRAIN#')).map((i) => [i.pk?.S, i.alarm?.S, i.outcome?.S]),
    ).toEqual([['RETRAIN#r', 'ServerCpuTooHigh', undefined]]); // pending: the sweeper takes it
    expect(await executions()).toEqual(before);
  });
});
