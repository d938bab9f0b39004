/** Counts the AWS API calls a set of SDK clients make, by "service.Operation". */
interface Counted {
  middlewareStack: { add: (...args: any[]) => void };
  config: { serviceId?: string };
}

export function countCalls(...clients: Counted[]) {
  const calls: string[] = [];
  for (const client of clients)
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push(`${client.config.serviceId ?? 'aws'}.${(context.commandName ?? '').replace(/Command$/, '')}`);
        return next(args);
      },
      { step: 'initialize', name: `countCalls-${Math.random().toString(36).slice(2)}` },
    );
  return {
    calls,
    reset: () => calls.splice(0),
  };
}
