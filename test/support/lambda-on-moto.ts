/**
 * Runs a function's real `handler` export, built by its own runtime module
 * (functions/config/*-runtime.ts), against the moto server: the SDK clients the runtime creates
 * find moto through AWS_ENDPOINT_URL (the credentials and region come from the globalSetup's
 * environment). The runtime builds its clients once per module instance, so a test file runs one
 * policy and one state table.
 */
import type { Context } from 'aws-lambda';
import type { Policy } from '../../functions/config/policy';
import { usePolicy } from '../../functions/config/runtime';
import { motoEndpoint } from './aws';
import { stubOperation } from './stub-operation';

export function runtimeOnMoto(table: string, policy: Policy): void {
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  process.env.STATE_TABLE = table;
  usePolicy(policy);
}

/** What Lambda hands a handler; `remainingMs` is the deadline the hook budgets its checks by. */
export function lambdaContext(functionName: string, remainingMs = 60_000): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `${functionName}-request`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type ClientClass = { prototype: object };

/**
 * Runs `setup` once on every client of `Client` the runtime creates (it creates them itself, out of
 * the test's reach), before the client's first call. Returns the restore.
 */
export function onEveryClient(Client: ClientClass, setup: (client: any) => void): () => void {
  const proto = Client.prototype as { send?: unknown };
  const own = Object.getOwnPropertyDescriptor(proto, 'send');
  const seen = new WeakSet<object>();
  proto.send = function (this: any, ...args: unknown[]) {
    if (!seen.has(this)) {
      seen.add(this);
      setup(this);
    }
    // The smithy Client's send (the IAM recorder's), which runs the middleware stack.
    return (Object.getPrototypeOf(proto) as { send: (...a: unknown[]) => unknown }).send.apply(this, args);
  };
  return () => {
    if (own) Object.defineProperty(proto, 'send', own);
    else delete proto.send;
  };
}

/**
 * Answers operations moto does not implement on every client of `Client` the runtime creates; each
 * client's other operations still go to moto. Returns the inputs each stubbed operation was asked.
 */
export function stubOnEveryClient(
  Client: ClientClass,
  answers: Record<string, (input: any) => unknown>,
  setup: (client: any) => void = () => undefined,
): { inputs: Record<string, any[]>; restore: () => void } {
  const inputs: Record<string, any[]> = Object.fromEntries(Object.keys(answers).map((c) => [c, []]));
  const restore = onEveryClient(Client, (client) => {
    setup(client);
    for (const [command, answer] of Object.entries(answers))
      stubOperation(client, command, (input) => {
        inputs[command]!.push(structuredClone(input));
        return answer(input);
      });
  });
  return { inputs, restore };
}
