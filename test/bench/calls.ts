/**
 * P5: AWS calls per decision, counted at the SDK middleware of every client the handler uses
 * (one count per `send`, before the retry loop), against moto. Operations moto lacks are answered
 * by `aws.answer(...)` inside the same middleware stack, so they are counted like the others.
 *
 * A case is a name, an optional target, and a `setup` that seeds moto and builds the handler with
 * clients from `aws`; it returns the one invocation whose calls are counted. To add a case, append
 * to `callCases` (or pass more cases to `countCalls`):
 *
 *   {
 *     name: 'registry gate decision',
 *     target: 5,
 *     async setup(aws) {
 *       const sagemaker = aws.client((c) => new SageMakerClient(c));   // counted, on moto
 *       // seed moto through `sagemaker` (setup calls are not counted), build the handler as its
 *       // runtime module does, and return the invocation:
 *       return () => handler(loadFixture('sagemaker-model-package-state-change.json'));
 *     },
 *   }
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { validatePolicy } from '../../functions/config/policy';
import { retrainingWorkflow } from '../../functions/config/retraining-runtime';
import { dataArrived } from '../../functions/handlers/data-arrived';
import { createStateTable, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { recordingLogger } from '../support/memory-harness';
import { decisionCases, guardrails } from './decision-cases';

export interface Call {
  service: string;
  operation: string;
}

interface MiddlewareClient {
  middlewareStack: { add: (middleware: any, options: any) => void };
}

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  maxAttempts: number;
}

export class CountingAws {
  readonly calls: Call[] = [];
  counting = false;

  constructor(readonly endpoint: string) {}

  get config(): ClientConfig {
    return {
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      forcePathStyle: true,
      maxAttempts: 1,
    };
  }

  /** A client on moto whose sends are counted while `counting` is on. */
  client<C extends MiddlewareClient>(make: (config: ClientConfig) => C): C {
    const client = make(this.config);
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        async (args: unknown) => {
          if (this.counting)
            this.calls.push({
              service: String(context.clientName ?? '').replace(/Client$/, ''),
              operation: String(context.commandName ?? '').replace(/Command$/, ''),
            });
          return next(args);
        },
      { step: 'initialize', priority: 'high', name: 'benchCallCounter' },
    );
    return client;
  }

  /** Answers `operation` on `client` with `output` and sends nothing (for operations moto lacks). */
  answer(client: MiddlewareClient, operation: string, output: (input: any) => Record<string, unknown>): void {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: unknown }) =>
          context.commandName === `${operation}Command`
            ? { output: { ...output(args.input), $metadata: {} }, response: {} }
            : next(args),
      { step: 'initialize', priority: 'low', name: `benchAnswer${operation}` },
    );
  }
}

export interface CallCase {
  name: string;
  /** The target (calls per decision), where it sets one. */
  target?: number;
  setup(aws: CountingAws): Promise<() => Promise<unknown>>;
}

export interface CallCount {
  name: string;
  target?: number;
  calls: number;
  byOperation: Record<string, number>;
}

/** Runs each case: setup uncounted, then its invocation counted. */
export async function countCalls(endpoint: string, cases: readonly CallCase[]): Promise<CallCount[]> {
  const results: CallCount[] = [];
  for (const c of cases) {
    const aws = new CountingAws(endpoint);
    const invoke = await c.setup(aws);
    aws.counting = true;
    await invoke();
    aws.counting = false;
    const byOperation: Record<string, number> = {};
    for (const call of aws.calls)
      byOperation[`${call.service}.${call.operation}`] = (byOperation[`${call.service}.${call.operation}`] ?? 0) + 1;
    results.push({
      name: c.name,
      ...(c.target !== undefined ? { target: c.target } : {}),
      calls: aws.calls.length,
      byOperation,
    });
  }
  return results;
}

// ------------------------------------------------------------------ data-drop cases

/** The real EventBridge "Object Created" payload, for one object under `prefix` (the bench rule's: drop/). */
function objectCreated(bucket: string, n: number, prefix = 'drop/') {
  const event = loadFixture('s3-object-created.eventbridge.json');
  event.id = `bench-${n}`;
  event.detail.bucket.name = bucket;
  event.resources = [`arn:aws:s3:::${bucket}`];
  event.detail.object = { ...event.detail.object, key: `${prefix}part-${n}.csv`, size: 1000, etag: `etag${n}` };
  delete event.detail.object['version-id'];
  event.detail.object.sequencer = n.toString(16).padStart(16, '0');
  return event;
}

/** The data-arrived handler exactly as its runtime wires it, on moto, with a rule closing at `maxObjects`. */
async function dataDrop(aws: CountingAws, maxObjects: number) {
  const template = loadFixture('s3-object-created.eventbridge.json');
  const dynamo = aws.client((c) => new DynamoDBClient(c));
  const s3 = aws.client((c) => new S3Client(c));
  const codepipeline = aws.client((c) => new CodePipelineClient(c));
  const sagemaker = aws.client((c) => new SageMakerClient(c));
  // moto has no CodePipeline StartPipelineExecution.
  aws.answer(codepipeline, 'StartPipelineExecution', () => ({ pipelineExecutionId: 'bench-execution' }));
  const table = uniqueName('bench-calls');
  await createStateTable(dynamo, table);
  const bucket = uniqueName('bench-data');
  const manifests = uniqueName('bench-manifests');
  await s3.send(new CreateBucketCommand({ Bucket: manifests }));
  const policy = validatePolicy({
    version: 1,
    controller: { accounts: [template.account], regions: [template.region], manifests: { bucket: manifests } },
    retraining: [
      {
        name: 'bench',
        source: { bucket, prefix: 'drop/' },
        target: { type: 'codepipeline', name: 'bench-pipeline' },
        trigger: { maxObjects },
        guards: { exclusive: false },
      },
    ],
  });
  const { logger } = recordingLogger();
  const handle = dataArrived(
    retrainingWorkflow(
      policy,
      table,
      { dynamo, s3, codepipeline, sagemaker },
      logger,
      guardrails(policy, dynamo, table),
    ),
    logger,
  );
  return { handle, event: (n: number, prefix?: string) => objectCreated(bucket, n, prefix) };
}

export const callCases: CallCase[] = [
  {
    name: 'object event, batch stays open',
    target: 1,
    async setup(aws) {
      const { handle, event } = await dataDrop(aws, 100);
      await handle(event(1));
      return () => handle(event(2));
    },
  },
  {
    name: 'object event closing a batch (maxObjects 10)',
    async setup(aws) {
      const { handle, event } = await dataDrop(aws, 10);
      for (let n = 1; n < 10; n++) await handle(event(n));
      return () => handle(event(10));
    },
  },
  {
    name: 'object event outside every rule (ignored)',
    target: 1,
    async setup(aws) {
      const { handle, event } = await dataDrop(aws, 100);
      await handle(event(1));
      return () => handle(event(2, 'elsewhere/'));
    },
  },
  ...decisionCases,
];
