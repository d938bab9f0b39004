/**
 * A deployed function's bundle run in this process as Lambda would run it: unzipped from the
 * package the stack was deployed from, with the function's deployed environment, the region and
 * role credentials Lambda adds, and every SDK call sent to the stack's moto (moto cannot invoke a
 * Lambda function without Docker).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DeployedStack } from './stack';

export type Handler = (event: unknown) => Promise<unknown>;

/**
 * A cold start of `fn` (the function's key in serverless.yml, e.g. `dataArrived`) from `stack`'s
 * package: each call unzips and imports a fresh copy, so no state cached by an earlier container
 * (the kill switch is cached for 30 s) carries over: what one invocation sees is the table's.
 */
export async function coldStart(
  stack: DeployedStack,
  lambda: LambdaClient,
  fn: string,
  scratch: string,
): Promise<Handler> {
  const name = `mlops-controller-dev-${fn}`;
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const dir = mkdtempSync(join(scratch, `${fn}-`));
  execFileSync('unzip', ['-q', join(stack.packageDir, `${fn}.zip`), '-d', dir]);
  const [bundle] = readdirSync(join(dir, 'functions', 'handlers'));
  const env = {
    PATH: process.env.PATH,
    ...config.Environment?.Variables,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_REGION: stack.region,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_ENDPOINT_URL: stack.endpoint,
  };
  const withEnv = async <T>(run: () => Promise<T>): Promise<T> => {
    const saved = process.env;
    process.env = { ...env };
    try {
      return await run();
    } finally {
      process.env = saved;
    }
  };
  // The bundle reads its configuration when it loads, and its clients read the environment when
  // they send: both see the function's.
  const { handler } = (await withEnv(
    () => import(pathToFileURL(join(dir, 'functions', 'handlers', bundle!)).href),
  )) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  let n = 0;
  return (event) =>
    withEnv(() =>
      handler(event, {
        functionName: name,
        awsRequestId: `upgrade-${fn}-${(n += 1)}`,
        getRemainingTimeInMillis: () => (config.Timeout ?? 30) * 1000,
      }),
    );
}
