/**
 * Faults injected into real SDK clients by middleware, one call site (service.Operation and which
 * occurrence of it) at a time. Registered at the front of the stack, so a faulted call never
 * reaches moto (or a stubbed operation) — except `timeout-after-success`, where the request is
 * served and only the response is lost: the case that tests idempotency tokens and conditions.
 */
export type FaultKind = 'throttling' | 'server-error' | 'timeout' | 'timeout-after-success';
export const FAULT_KINDS: FaultKind[] = ['throttling', 'server-error', 'timeout', 'timeout-after-success'];

interface Client {
  middlewareStack: { add: (...args: any[]) => void };
  config: { serviceId?: string };
}

/** Shaped like the SDK's own errors, so adapters classify them as they would in AWS. */
function fault(kind: FaultKind, site: string): Error {
  if (kind === 'throttling')
    return Object.assign(new Error(`injected: Rate exceeded (${site})`), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      $retryable: { throttling: true },
    });
  if (kind === 'server-error')
    return Object.assign(new Error(`injected: We encountered an internal error (${site})`), {
      name: 'InternalServerError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
  // What @smithy/node-http-handler throws when requestTimeout passes.
  return Object.assign(new Error(`injected: Connection timed out after 3000 ms (${site})`), { name: 'TimeoutError' });
}

export function faultInjector(...clients: Client[]) {
  let armed: { site: string; kind: FaultKind; occurrence: number } | undefined;
  let seen = 0;
  let injected = 0;
  const sites: string[] = [];
  const watch = (client: Client) =>
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const site = `${client.config.serviceId ?? 'aws'}.${(context.commandName ?? '').replace(/Command$/, '')}`;
        sites.push(site);
        if (armed?.site === site && ++seen === armed.occurrence) {
          injected += 1;
          if (armed.kind !== 'timeout-after-success') throw fault(armed.kind, site);
          await next(args);
          throw fault('timeout', site);
        }
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: `faults-${Math.random().toString(36).slice(2)}` },
    );
  clients.forEach(watch);
  return {
    /** Injects into `client` too (a client a function's runtime creates after the injector). */
    watch,
    /** Every call the clients made, in order ("DynamoDB.PutItem"): the sites a clean run reaches. */
    sites,
    arm(site: string, kind: FaultKind, occurrence = 1) {
      armed = { site, kind, occurrence };
      seen = 0;
    },
    disarm() {
      armed = undefined;
    },
    injected: () => injected,
  };
}
