/**
 * jest setupFilesAfterEnv: records every AWS call a function's code makes and evaluates it against
 * that function's role (iam-evaluate.ts). A denied call fails the test that made it and names the
 * function, the call, the action, the resource and the condition context.
 *
 * What is recorded:
 * - SDK v3 (moto-backed clients, clients with stubbed operations, aws-sdk-client-mock): every
 *   `send`, at the smithy Client and at the mock's stub (client-mock replaces `send`).
 * - the memory layer (scenarios, memory harnesses): every AWS-shaped action `MemoryWorld.record`
 *   journals.
 *
 * Attribution: a workflow's entry method (the methods the handlers call) runs in an
 * AsyncLocalStorage context naming the entry and the policy the workflow was built with; a
 * handler module on the call's stack narrows an entry shared by two functions (`ignore`) to the one
 * invoking it. Calls outside any workflow (test setup, adapter-level tests, the operator CLI) are
 * counted but not attributed to a function: no Lambda makes them that way.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MemoryWorld } from '../../../functions/adapters/memory/world';
import { rollbackWorld } from '../../../functions/adapters/memory/rollback-world';
import type { Policy } from '../../../functions/config/policy';
import { DeploymentHookWorkflow } from '../../../functions/workflows/deployment-hook';
import { GateWorkflow } from '../../../functions/workflows/gates';
import { RetrainingWorkflow } from '../../../functions/workflows/retraining';
import { RollbackWorkflow } from '../../../functions/workflows/rollback';
import { StageRetryWorkflow } from '../../../functions/workflows/stage-retry';
import type { DeploymentGroups } from './iam-actions';
import { ENTRIES, functionsOfStack } from './iam-entries';

type Context = { policy: Policy; entry: string };

const context = new AsyncLocalStorage<Context>();
const CLASSES: Record<string, { prototype: any }> = {
  RollbackWorkflow,
  RetrainingWorkflow,
  GateWorkflow,
  DeploymentHookWorkflow,
  StageRetryWorkflow,
};
const MARK = Symbol.for('mlops.iam-recorder');

for (const [name, methods] of Object.entries(ENTRIES)) {
  const proto = CLASSES[name]!.prototype;
  if (proto[MARK]) continue;
  proto[MARK] = true;
  for (const method of Object.keys(methods)) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') throw new Error(`iam-recorder: ${name}.${method} is not a method`);
    proto[method] = function (this: { deps: { policy: Policy } }, ...args: unknown[]) {
      // The outermost entry names the function: onObjects → tryClose stays dataArrived's.
      if (context.getStore()) return original.apply(this, args);
      return context.run({ policy: this.deps.policy, entry: `${name}.${method}` }, () => original.apply(this, args));
    };
  }
}

const handlerFunction = new Map(functionsOfStack().map((f) => [f.handler, f.key]));
const roleOf = new Map(functionsOfStack().map((f) => [f.key, f.role]));

export type Recorded = {
  layer: 'sdk' | 'client-mock' | 'memory';
  service: string;
  operation: string;
  input: Record<string, any>;
  context: Context | undefined;
  /** The handler modules on the stack (functions/handlers/<name>.ts), innermost first. */
  handlers: string[];
  world?: MemoryWorld;
};

let recorded: Recorded[] = [];
const known: DeploymentGroups = new Map();

function handlersOnStack(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return [...stack.matchAll(/functions\/handlers\/([\w-]+)\.ts/g)].map((m) => m[1]!);
}

function record(entry: Omit<Recorded, 'context' | 'handlers'>): void {
  const store = context.getStore();
  // Outside a workflow no function is known; the stack is only read when it can narrow one.
  recorded.push({ ...entry, context: store, handlers: store ? handlersOnStack() : [] });
}

/** What a CodeDeploy answer tells about which group a deployment belongs to. */
function learn(operation: string, input: Record<string, any>, output: any): void {
  const put = (id: unknown, application: unknown, group: unknown, config?: unknown) => {
    if (typeof id === 'string' && typeof application === 'string' && typeof group === 'string')
      known.set(id, {
        application,
        group,
        // A listing names no config: keep the one a read of the deployment reported.
        ...(typeof config === 'string' ? { config } : known.get(id)?.config ? { config: known.get(id)!.config } : {}),
      });
  };
  if (operation === 'CreateDeployment') put(output?.deploymentId, input.applicationName, input.deploymentGroupName);
  if (operation === 'ListDeployments')
    for (const id of output?.deployments ?? []) put(id, input.applicationName, input.deploymentGroupName);
  if (operation === 'BatchGetDeployments')
    for (const d of output?.deploymentsInfo ?? [])
      put(d.deploymentId, d.applicationName, d.deploymentGroupName, d.deploymentConfigName);
  if (operation === 'GetDeployment')
    put(
      output?.deploymentInfo?.deploymentId,
      output?.deploymentInfo?.applicationName,
      output?.deploymentInfo?.deploymentGroupName,
      output?.deploymentInfo?.deploymentConfigName,
    );
}

function sdkCall(client: any, command: any, layer: Recorded['layer']): (output: unknown) => void {
  const service = String(client?.config?.serviceId ?? client?.constructor?.name?.replace(/Client$/, ''));
  const operation = String(command?.constructor?.name ?? '').replace(/Command$/, '');
  const input = structuredClone(command?.input ?? {});
  record({ layer, service, operation, input });
  return (output) => {
    if (service === 'CodeDeploy') learn(operation, input, output);
  };
}

// The smithy Client every SDK v3 client extends (the clients load @smithy/core's CommonJS build;
// required as they require it, so this is the module instance they extend).
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb'));
const Client = (requireFromSdk('@smithy/core/client') as { Client: { prototype: any } }).Client.prototype as {
  send: (...args: any[]) => any;
  [MARK]?: true;
};
if (!Client[MARK]) {
  Client[MARK] = true;
  const send = Client.send;
  Client.send = function (this: unknown, command: unknown, ...rest: unknown[]) {
    const seen = sdkCall(this, command, 'sdk');
    const result = send.call(this, command, ...rest);
    if (result && typeof result.then === 'function')
      return result.then((output: unknown) => {
        seen(output);
        return output;
      });
    return result;
  };
}

// aws-sdk-client-mock replaces `send` with a sinon stub: record what reaches the stub.
const sinon = createRequire(createRequire(import.meta.url).resolve('aws-sdk-client-mock'))('sinon') as {
  stub: (...args: any[]) => any;
  [MARK]?: true;
};
if (!sinon[MARK]) {
  sinon[MARK] = true;
  const stub = sinon.stub;
  sinon.stub = function (this: unknown, ...args: any[]) {
    const created = stub.apply(this, args);
    if (args[1] === 'send' && typeof args[0] === 'object' && Object.prototype.isPrototypeOf.call(Client, args[0])) {
      const invoke = created.invoke;
      created.invoke = function (this: unknown, fn: unknown, thisValue: unknown, callArgs: unknown[]) {
        const seen = sdkCall(thisValue, callArgs[0], 'client-mock');
        const result = invoke.call(this, fn, thisValue, callArgs);
        if (result && typeof result.then === 'function') result.then(seen, () => undefined);
        return result;
      };
    }
    return created;
  };
}

const worldRecord = MemoryWorld.prototype.record as MemoryWorld['record'] & { [MARK]?: true };
if (!worldRecord[MARK]) {
  const patched = function (this: MemoryWorld, service: string, operation: string, input: Record<string, unknown>) {
    record({ layer: 'memory', service, operation, input: structuredClone(input), world: this });
    return worldRecord.call(this, service, operation, input);
  } as MemoryWorld['record'] & { [MARK]?: true };
  patched[MARK] = true;
  MemoryWorld.prototype.record = patched;
}

/** The functions a recorded call is made by. */
export function functionsOf(call: Recorded): string[] {
  if (!call.context) return [];
  const [cls, method] = call.context.entry.split('.') as [string, string];
  const candidates = ENTRIES[cls]![method]!;
  const running = call.handlers.map((h) => handlerFunction.get(h)).find((f) => f && candidates.includes(f));
  return running ? [running] : candidates;
}

const policyIds = new WeakMap<Policy, number>();
const policiesInFile: Policy[] = [];
const policyId = (p: Policy) => {
  let id = policyIds.get(p);
  if (id === undefined) {
    id = policiesInFile.push(p) - 1;
    policyIds.set(p, id);
  }
  return id;
};

/** Evaluated calls of this test file, for the statement-deletion bound (iam-upper-bound.ts). */
const evaluatedInFile: Array<{ policy: number; fn: string; auth: unknown; call: string }> = [];
const counts = { recorded: 0, attributed: 0, evaluations: 0 };

afterEach(async () => {
  const calls = recorded;
  recorded = [];
  counts.recorded += calls.length;
  if (!calls.some((c) => c.context)) return;
  // Loaded only by test files whose calls a function made: most unit tests make none.
  const { authorizationsOf } = await import('./iam-actions');
  const { decide, rolePolicies } = await import('./iam-evaluate');
  const { STACK } = await import('../role-simulation');
  const where = { account: STACK.account, region: STACK.region, partition: STACK.partition };
  const denies: string[] = [];
  for (const call of calls) {
    const fns = functionsOf(call);
    if (fns.length === 0) continue;
    counts.attributed += 1;
    let groups = known;
    if (call.world)
      groups = new Map(
        rollbackWorld(call.world).deployments.map((d) => [d.id, { application: d.application, group: d.group }]),
      );
    const name = `${call.service}.${call.operation}`;
    let auths;
    try {
      auths = await authorizationsOf(call.service, call.operation, call.input, where, groups);
    } catch (error) {
      denies.push(`${fns.join('/')} ${name} (${call.layer}): ${(error as Error).message}`);
      continue;
    }
    for (const fn of fns) {
      const role = roleOf.get(fn)!;
      const id = policyId(call.context!.policy);
      const policies = rolePolicies(call.context!.policy, role);
      for (const auth of auths) {
        counts.evaluations += 1;
        evaluatedInFile.push({ policy: id, fn, auth, call: name });
        const answer = await decide(policies, auth, `${id}:${role}`);
        if (answer !== 'Allowed')
          denies.push(
            `${fn} (${role}) ${name} via ${call.context!.entry} (${call.layer}): ${answer} for ${auth.action} on ${auth.resource}` +
              (auth.context && Object.keys(auth.context).length ? ` with ${JSON.stringify(auth.context)}` : ''),
          );
      }
    }
  }
  if (denies.length > 0)
    throw new Error(`IAM would refuse ${denies.length} call(s) of this test:\n  ${[...new Set(denies)].join('\n  ')}`);
});

afterAll(() => {
  const dir = process.env.IAM_CALLS_DIR;
  if (!dir || (evaluatedInFile.length === 0 && counts.recorded === 0)) return;
  const file = join(dir, `${process.pid}.jsonl`);
  appendFileSync(
    file,
    `${JSON.stringify({ testFile: expect.getState().testPath, counts, policies: policiesInFile, calls: evaluatedInFile })}\n`,
  );
});
