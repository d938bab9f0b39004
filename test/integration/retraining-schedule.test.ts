/**
 * A schedule-closed batch: the sweeper and data-arrived handlers on the AWS adapters, against moto's
 * DynamoDB, S3 and SageMaker pipelines, on the system clock. Only Date moves (jest's fake timers with
 * every real timer kept), so the SDK's sockets and retries run on the real clock. The state table's
 * requests are serialized (test/support/serialize-requests.ts: moto is not atomic per request under
 * concurrency, DynamoDB is); the sweeps still interleave between their requests.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { jest } from '@jest/globals';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoBuildSlots } from '../../functions/adapters/aws/dynamodb/build-slots';
import { DynamoRetrainRequests } from '../../functions/adapters/aws/dynamodb/retrain-requests';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { AwsPipelines } from '../../functions/adapters/aws/pipelines';
import { S3ObjectStore } from '../../functions/adapters/aws/s3';
import { SageMakerPipelineStarter } from '../../functions/adapters/aws/sagemaker';
import { CodePipelineStarter } from '../../functions/adapters/aws/codepipeline';
import { MemoryDecisionLog } from '../../functions/adapters/memory/decision-log';
import { MemoryRunFailures } from '../../functions/adapters/memory/run-failures';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { validatePolicy } from '../../functions/config/policy';
import { dataArrived as dataArrivedHandler } from '../../functions/handlers/data-arrived';
import { sweeper as sweeperHandler } from '../../functions/handlers/sweeper';
import { systemClock } from '../../functions/ports/clock';
import { RetrainingWorkflow } from '../../functions/workflows/retraining';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { recordingLogger } from '../support/memory-harness';
import { moveDateTo, objectCreated, pipelineExecutions, sageMakerPipeline } from '../support/retraining-moto';
import { serializeRequests } from '../support/serialize-requests';

const config = awsClientConfig();
const dynamo = new DynamoDBClient(config);
serializeRequests(dynamo);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const table = uniqueName('retraining-schedule');
const source = uniqueName('data');
const manifests = uniqueName('manifests');
const pipeline = uniqueName('nightly');
const policy = validatePolicy({
  version: 1,
  controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: manifests } },
  retraining: [
    {
      name: 'nightly',
      source: { bucket: source, prefix: 'n/' },
      target: { type: 'sagemaker', name: pipeline },
      trigger: { schedule: 'cron(0 2 * * ? *)', timezone: 'America/New_York' },
    },
  ],
});
const { logger } = recordingLogger();
const decisions = new MemoryDecisionLog();
const workflow = new RetrainingWorkflow({
  policy,
  ledger: new DynamoBatchLedger(dynamo, table, systemClock),
  runs: new DynamoRunStore(dynamo, table),
  slots: new DynamoBuildSlots(dynamo, table),
  decisions,
  objects: new S3ObjectStore(s3),
  pipelines: new AwsPipelines({
    // The rule starts SageMaker only; moto serves it.
    codepipeline: new CodePipelineStarter(new CodePipelineClient(config)),
    sagemaker: new SageMakerPipelineStarter(sagemaker),
  }),
  requests: new DynamoRetrainRequests(dynamo, table),
  // No run ends here: nothing is explained.
  failures: new MemoryRunFailures(new MemoryWorld(systemClock)),
  clock: systemClock,
  logger,
});
const sweeper = sweeperHandler(workflow);
const dataArrived = dataArrivedHandler(workflow, logger);

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  await sageMakerPipeline(sagemaker, pipeline);
});
afterEach(() => jest.useRealTimers());
afterAll(() => {
  for (const c of [dynamo, s3, sagemaker]) c.destroy();
});

const executions = async () => (await pipelineExecutions(sagemaker, pipeline)).length;

describe('a schedule-closed batch (sweeper against moto)', () => {
  it('arms, waits until 02:00 New York, then of four concurrent sweeps one closes and starts the batch', async () => {
    moveDateTo('2026-11-21T20:00:00Z');
    await sweeper(); // arms: the mark is now
    const mark = async () =>
      (
        await dynamo.send(
          new GetItemCommand({ TableName: table, Key: { pk: { S: 'RUNS#nightly' }, sk: { S: 'SCHEDULE' } } }),
        )
      ).Item?.at?.S;
    expect(await mark()).toBe('2026-11-21T20:00:00.000Z');

    for (const key of ['n/a.csv', 'n/b.csv']) {
      await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: 'a,b\n1,2\n' }));
      await dataArrived(objectCreated(source, { key, size: 8 }));
    }
    moveDateTo('2026-11-22T06:59:00Z'); // 01:59 in New York (UTC-5 in November)
    await sweeper();
    expect(await executions()).toBe(0);

    moveDateTo('2026-11-22T07:00:10Z');
    await Promise.all(Array.from({ length: 4 }, () => sweeper()));
    expect(await executions()).toBe(1);
    expect(await mark()).toBe('2026-11-22T07:00:00.000Z');
    expect(decisions.decisions.filter((d) => d.kind === 'retraining.batch').map((d) => d.reasons)).toEqual([
      ['schedule cron(0 2 * * ? *) (America/New_York) fired at 2026-11-22T07:00:00.000Z'],
    ]);
    // A later sweep in the same night finds the fire time claimed.
    moveDateTo('2026-11-22T07:05:00Z');
    await sweeper();
    expect(await executions()).toBe(1);
  });
});
