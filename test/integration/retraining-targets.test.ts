/**
 * Step Functions and CodeBuild targets through the retraining handlers on their own runtime
 * (moto for S3, DynamoDB and Step Functions): a data drop starts each target once however often
 * and concurrently it is delivered, the terminal events release the rule, and the account's
 * CodeBuild slots defer a second project's build until the first build ends.
 *
 * CodeBuild's StartBuild is stubbed with aws-sdk-client-mock: moto 5.2.1 implements it but answers
 * `startTime` as an ISO string where the API model (awsJson1_1) has an epoch timestamp, which the
 * SDK refuses to parse ("Expected real number"). The stub asserts the exact input instead.
 */
import { CodeBuildClient, StartBuildCommand, type StartBuildCommandInput } from '@aws-sdk/client-codebuild';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { validatePolicy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { handler as dataArrived } from '../../functions/handlers/data-arrived';
import { handler as executionFinished } from '../../functions/handlers/execution-finished';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';

const config = awsClientConfig();
const dynamo = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sfn = new SFNClient(config);
const codebuild = mockClient(CodeBuildClient);
let buildCount = 0;
const table = uniqueName('retraining-targets');
const source = uniqueName('data');
const manifests = uniqueName('manifests');
const machine = uniqueName('retrain');
const projects = [uniqueName('train-a'), uniqueName('train-b')] as const;
let stateMachineArn = '';
const context = { functionName: 'retraining-targets', awsRequestId: 'r-1' } as Context;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: source }));
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: machine,
      definition: JSON.stringify({ StartAt: 'Train', States: { Train: { Type: 'Pass', End: true } } }),
      roleArn: 'arn:aws:iam::123456789012:role/retraining-state-machine',
    }),
  );
  stateMachineArn = created.stateMachineArn!;
  codebuild.on(StartBuildCommand).callsFake((input: StartBuildCommandInput) => {
    const id = `${input.projectName}:${String(++buildCount).padStart(8, '0')}`;
    return { build: { id, arn: `arn:aws:codebuild:us-east-1:123456789012:build/${id}`, buildStatus: 'IN_PROGRESS' } };
  });

  process.env.STATE_TABLE = table;
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  usePolicy(
    validatePolicy({
      version: 1,
      controller: {
        accounts: ['123456789012'],
        regions: ['us-east-1'],
        manifests: { bucket: manifests },
        codebuild: { maxConcurrentBuilds: 1 },
      },
      retraining: [
        {
          name: 'flow',
          source: { bucket: source, prefix: 'sfn/' },
          target: { type: 'stepfunctions', stateMachineArn, parameters: { InstanceType: 'ml.m5.large' } },
          trigger: { maxObjects: 1 },
        },
        {
          name: 'build-a',
          source: { bucket: source, prefix: 'a/' },
          target: { type: 'codebuild', name: projects[0], batchIdVariable: 'BATCH_ID' },
          trigger: { maxObjects: 1 },
        },
        {
          name: 'build-b',
          source: { bucket: source, prefix: 'b/' },
          target: { type: 'codebuild', name: projects[1] },
          trigger: { maxObjects: 1 },
        },
      ],
    }),
  );
});
afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.STATE_TABLE;
  codebuild.restore();
  for (const c of [dynamo, s3, sfn]) c.destroy();
});

async function dropped(key: string) {
  const body = 'a,b\n1,2\n';
  await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body }));
  const event = loadFixture('s3-object-created.eventbridge.json');
  const { 'version-id': _v, ...object } = event.detail.object;
  return {
    ...event,
    id: uniqueName('event'),
    account: '123456789012',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${source}`],
    detail: { ...event.detail, bucket: { name: source }, object: { ...object, key, size: Buffer.byteLength(body) } },
  };
}

/** The documented payloads events/samples keeps (the shared fixtures have none for these services). */

const sample = (file: string): Record<string, any> => JSON.parse(readFileSync(`events/samples/${file}`, 'utf8'));

/** The StartBuild requests the controller sent for `project`. */
const builds = (project: string): StartBuildCommandInput[] =>
  codebuild
    .commandCalls(StartBuildCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.projectName === project);

async function decisions(rule: string): Promise<string[]> {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
  return Items.filter((i) => i.kind?.S?.startsWith('retraining.') && i.subject?.S?.startsWith(`${rule}/`))
    .map((i) => `${i.kind!.S} ${i.outcome?.S}`)
    .sort();
}

describe('stepfunctions and codebuild targets on their own runtime (moto)', () => {
  it('starts one Step Functions execution for a drop delivered twice and concurrently; its terminal event releases the rule', async () => {
    const event = await dropped('sfn/one.csv');
    await Promise.all([dataArrived(event, context), dataArrived(structuredClone(event), context)]);
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions).toHaveLength(1);

    const ended = sample('stepfunctions-execution-status-change.failed.json');
    await executionFinished(
      {
        ...ended,
        id: uniqueName('event'),
        account: '123456789012',
        detail: { ...ended.detail, stateMachineArn, executionArn: executions[0]!.executionArn, status: 'SUCCEEDED' },
      },
      context,
    );
    expect(await decisions('flow')).toEqual([
      'retraining.batch CLOSED',
      'retraining.release SUCCEEDED',
      'retraining.start STARTED',
    ]);
  });

  it('starts one build for a drop delivered twice and concurrently, defers another project beyond the account slots, and starts it when the first build ends', async () => {
    const a = await dropped('a/one.csv');
    await Promise.all([dataArrived(a, context), dataArrived(structuredClone(a), context)]);
    expect(builds(projects[0])).toEqual([
      {
        projectName: projects[0],
        idempotencyToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        environmentVariablesOverride: [
          {
            name: 'MANIFEST_URI',
            value: `s3://${manifests}/mlops-controller/manifests/build-a/batch-000000.json`,
            type: 'PLAINTEXT',
          },
          { name: 'BATCH_ID', value: 'build-a-0', type: 'PLAINTEXT' },
        ],
      },
    ]);

    await dataArrived(await dropped('b/one.csv'), context);
    expect(builds(projects[1])).toEqual([]);
    expect(await decisions('build-b')).toEqual(['retraining.batch CLOSED', 'retraining.defer DEFERRED']);

    const ended = sample('codebuild-build-state-change.succeeded.docs-repaired.json');
    await executionFinished(
      {
        ...ended,
        id: uniqueName('event'),
        region: 'us-east-1',
        detail: {
          ...ended.detail,
          'project-name': projects[0],
          'build-id': `arn:aws:codebuild:us-east-1:123456789012:build/${projects[0]}:00000001`,
          'build-status': 'FAILED',
        },
      },
      context,
    );
    expect(builds(projects[1])).toHaveLength(1);
    expect(await decisions('build-a')).toEqual([
      'retraining.batch CLOSED',
      // The failed build is explained once; what BatchGetBuilds and its log say is
      // failed-run-explained-targets.test.ts's subject (here BatchGetBuilds is not stubbed: the
      // decision says the build could not be read).
      'retraining.failure FAILED',
      'retraining.release FAILED',
      'retraining.start STARTED',
    ]);
  });
});
