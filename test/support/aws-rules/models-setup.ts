/**
 * Jest setup (every project): each AWS request a test makes is checked against botocore's model of
 * the service before it goes anywhere, in all three layers.
 *  - sdk: real SDK sends (to moto) go through `Client.prototype.send`, wrapped here and called
 *    through, so another wrapper (the IAM recorder) composes with this one in either order;
 *  - client-mock: aws-sdk-client-mock replaces `send` with a sinon stub, so the hook is on the stub
 *    it creates (its `invoke`, which every call to the stub runs first);
 *  - memory: the embedded backend records each AWS-shaped action in `MemoryWorld.record`.
 * An invalid request is refused the way AWS refuses one (a ValidationException, nothing sent or
 * recorded), and, because the code under test may well catch that error and carry on, the test
 * also fails in `afterEach` naming each operation, member path and rule.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Client } from '@smithy/core/client';
import { MemoryWorld } from '../../../functions/adapters/memory/world';
import { describeViolation, serviceModel, skippedPatterns, validateRequest, type Violation } from './models';

type Layer = 'sdk' | 'client-mock' | 'memory';

const stats = {
  requests: { sdk: 0, 'client-mock': 0, memory: 0 } as Record<Layer, number>,
  operations: new Set<string>(),
  violations: 0,
  ms: 0,
};
let pending: Violation[] = [];

export class ModelValidationError extends Error {
  override readonly name = 'ValidationException';
  readonly $fault = 'client';
  constructor(readonly violations: Violation[]) {
    super(`request refused by the AWS service model:\n${violations.map(describeViolation).join('\n')}`);
  }
}

function check(layer: Layer, service: string, operation: string, input: unknown): void {
  const started = performance.now();
  const violations = validateRequest(service, operation, input);
  stats.ms += performance.now() - started;
  stats.requests[layer] += 1;
  stats.operations.add(`${serviceModel(service)?.directory ?? service}.${operation}`);
  if (violations.length === 0) return;
  stats.violations += violations.length;
  pending.push(...violations);
  throw new ModelValidationError(violations);
}

interface SdkClient {
  config: { serviceId?: string };
}
interface SdkCommand {
  input?: unknown;
  constructor: { name: string };
}
const operationOf = (command: SdkCommand): string => command.constructor.name.replace(/Command$/, '');

const send = Client.prototype.send;
Client.prototype.send = function validatedSend(this: SdkClient, command: SdkCommand, ...rest: unknown[]) {
  try {
    check('sdk', this.config.serviceId ?? 'unknown', operationOf(command), command.input);
  } catch (error) {
    // send returns a promise (or calls back): a refusal must arrive the same way.
    const callback = rest.find((r) => typeof r === 'function') as ((e: unknown) => void) | undefined;
    if (callback) return void callback(error);
    return Promise.reject(error);
  }
  return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
} as typeof send;

// aws-sdk-client-mock's own sinon (the same module instance in this test file's registry).
const requireHere = createRequire(import.meta.url);
const sinon = requireHere(requireHere.resolve('sinon', { paths: [requireHere.resolve('aws-sdk-client-mock')] })) as {
  stub: (...args: unknown[]) => { invoke: (func: unknown, thisValue: unknown, args: unknown[]) => unknown };
};
const stub = sinon.stub;
sinon.stub = function validatedStub(this: unknown, ...args: unknown[]) {
  const created = stub.apply(this, args);
  const [target, property] = args;
  const isClient =
    typeof target === 'object' &&
    target !== null &&
    (target === Client.prototype || Object.prototype.isPrototypeOf.call(Client.prototype, target));
  if (property === 'send' && isClient) {
    const invoke = created.invoke;
    created.invoke = function validatedInvoke(this: unknown, func: unknown, thisValue: unknown, callArgs: unknown[]) {
      const command = callArgs[0] as SdkCommand | undefined;
      if (command && typeof command === 'object') {
        try {
          check(
            'client-mock',
            (thisValue as SdkClient).config?.serviceId ?? 'unknown',
            operationOf(command),
            command.input,
          );
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return invoke.call(this, func, thisValue, callArgs);
    };
  }
  return created;
};

const record = MemoryWorld.prototype.record;
MemoryWorld.prototype.record = function validatedRecord(this: MemoryWorld, service, operation, input) {
  check('memory', service, operation, input);
  record.call(this, service, operation, input);
};

/** Hands over (and clears) the violations found so far: for a test that provokes one on purpose. */
export function takeViolations(): Violation[] {
  const found = pending;
  pending = [];
  return found;
}

function failOnViolations(): void {
  if (pending.length === 0) return;
  const found = pending;
  pending = [];
  throw new Error(
    `${found.length} AWS request violation(s) of the service model:\n${found.map(describeViolation).join('\n')}`,
  );
}

afterEach(failOnViolations);

afterAll(() => {
  const out = process.env.AWS_MODELS_STATS;
  if (out)
    appendFileSync(
      out,
      `${JSON.stringify({
        file: expect.getState().testPath,
        requests: stats.requests,
        operations: [...stats.operations],
        violations: stats.violations,
        ms: Math.round(stats.ms * 10) / 10,
        skippedPatterns,
      })}\n`,
    );
  failOnViolations();
});
