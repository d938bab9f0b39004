import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { S3ObjectStore } from '../adapters/aws/s3';
import { AwsPipelines } from '../adapters/aws/pipelines';
import { CodePipelineStarter } from '../adapters/aws/codepipeline';
import { SageMakerPipelineStarter } from '../adapters/aws/sagemaker';
import { systemClock } from '../ports/clock';
import { RetrainingWorkflow } from '../workflows/retraining';
import { ControllerError } from '../domain/errors';

const environment = z.object({
  STATE_TABLE: z.string().min(1, 'STATE_TABLE must name the state table'),
  AWS_REGION: z.string().min(1).optional(),
});

import type { Logger as LoggerPort, LogAttributes } from '../ports/logger';

export interface Runtime {
  logger: LoggerPort;
  retraining: RetrainingWorkflow;
}

const powertools = new Logger({ serviceName: 'mlops-controller' });

/** Powertools' Logger behind the workflows' small logging port. */
function loggerPort(l: Logger): LoggerPort {
  const at = (fn: 'info' | 'warn' | 'error') => (message: string, attributes?: LogAttributes) =>
    // Powertools' attribute type is a recursive JSON type; ours is looser by design.
    attributes ? l[fn](message, attributes as never) : l[fn](message);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** Builds the AWS-backed runtime: config validated and SDK clients created once per container. */
export async function awsRuntime(): Promise<Runtime> {
  const env = environment.safeParse(process.env);
  if (!env.success)
    throw new ControllerError(
      `environment: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  // Imported lazily so local tools that load the handlers (simulate, tests) never need the
  // bundled policy text; esbuild still inlines it into each function.
  const { bundledPolicy } = await import('./bundled-policy');
  const policy = bundledPolicy();
  const logger = loggerPort(powertools);
  // The SDK's standard retry mode with a few more attempts absorbs throttling before a delivery
  // has to be retried as a whole.
  const clientConfig = { maxAttempts: 5 };
  const dynamo = new DynamoDBClient(clientConfig);
  const table = env.data.STATE_TABLE;
  return {
    logger,
    retraining: new RetrainingWorkflow({
      policy,
      ledger: new DynamoBatchLedger(dynamo, table, systemClock),
      runs: new DynamoRunStore(dynamo, table),
      decisions: new DynamoDecisionLog(dynamo, table, { ttlDays: policy.controller.decisionTtlDays }),
      objects: new S3ObjectStore(new S3Client(clientConfig)),
      pipelines: new AwsPipelines({
        codepipeline: new CodePipelineStarter(new CodePipelineClient(clientConfig)),
        sagemaker: new SageMakerPipelineStarter(new SageMakerClient(clientConfig)),
      }),
      clock: systemClock,
      logger,
    }),
  };
}

let runtime: Runtime | undefined;

/** Wraps a handler factory: the runtime is built once, on the first invocation of a container. */
export function lambdaHandler<E, R>(build: (rt: Runtime) => (event: E) => Promise<R>) {
  let inner: ((event: E) => Promise<R>) | undefined;
  return middy(async (event: E, _context: Context) => {
    runtime ??= await awsRuntime();
    inner ??= build(runtime);
    return inner(event);
  }).use(injectLambdaContext(powertools));
}
