import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Policy } from './policy';
import type { Logger as LoggerPort, LogAttributes } from '../ports/logger';
import { ControllerError } from '../domain/errors';
import { describeIssues } from '../domain/validation';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { metrics } from './metrics';

/**
 * What every function shares: validated environment, the bundled policy, the logger and the SDK
 * client settings. Each capability has its own runtime module (retraining-runtime.ts, ...) that
 * builds only the clients its functions call, so a function's bundle holds only those SDK clients.
 */
const environment = z.object({
  STATE_TABLE: z.string().check(z.minLength(1, 'STATE_TABLE must name the state table')),
  AWS_REGION: z.optional(z.string().check(z.minLength(1))),
});

export interface Shared {
  env: z.output<typeof environment>;
  policy: Policy;
  logger: LoggerPort;
  /**
   * The SDK's standard retry mode with a few more attempts absorbs throttling before a delivery
   * has to be retried as a whole.
   */
  clientConfig: { maxAttempts: number };
}

const powertools = new Logger({ serviceName: 'mlops-controller' });
/** The decision id becomes the correlation id of the log lines that follow it. */
export const powertoolsLogger = powertools;

/** Powertools' Logger behind the workflows' small logging port. */
function loggerPort(l: Logger): LoggerPort {
  const at = (fn: 'info' | 'warn' | 'error') => (message: string, attributes?: LogAttributes) =>
    // Powertools' attribute type is a recursive JSON type; ours is looser by design.
    attributes ? l[fn](message, attributes as never) : l[fn](message);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

let shared: Promise<Shared> | undefined;
let policyOverride: Policy | undefined;

/** Runs this process's handlers with `policy` instead of the bundled one (the CLI's redrive). */
export function usePolicy(policy: Policy): void {
  policyOverride = policy;
  shared = undefined;
}

/** Config validated once per container; a bad environment fails every invocation loudly. */
export function sharedRuntime(): Promise<Shared> {
  shared ??= (async () => {
    const env = environment.safeParse(process.env);
    if (!env.success) throw new ControllerError(`environment: ${describeIssues(env.error)}`);
    // Imported lazily so local tools that load the handlers (simulate, tests) never need the
    // bundled policy; esbuild still inlines it into each function. `mlops-controller redrive` runs
    // the handlers in-process with the policy file it was given (usePolicy), which must not pull the
    // YAML parser and the schema into the bundles.
    const policy = policyOverride ?? (await import('./bundling/bundled-policy')).bundledPolicy();
    return { env: env.data, policy, logger: loggerPort(powertools), clientConfig: { maxAttempts: 5 } };
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/**
 * Wraps a handler factory: the factory (clients, workflow) runs once, on the first invocation of a
 * container, and a failed build is retried on the next invocation rather than cached. `ready()`
 * runs that build without an event: `npm run bench` times import + ready() as a function's cold init.
 */
export function lambdaHandler<E, R>(build: () => Promise<(event: E, context: Context) => Promise<R>>) {
  let inner: Promise<(event: E, context: Context) => Promise<R>> | undefined;
  const ready = (): Promise<(event: E, context: Context) => Promise<R>> =>
    (inner ??= build().catch((error: unknown) => {
      inner = undefined;
      throw error;
    }));
  // The context goes on for handlers that must finish before the Lambda's deadline.
  const handler = middy(async (event: E, context: Context) => (await ready())(event, context))
    .use(injectLambdaContext(powertools, { resetKeys: true }))
    .use(logMetrics(metrics));
  return Object.assign(handler, { ready });
}
