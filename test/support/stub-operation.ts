/**
 * Answers one operation moto does not implement on an otherwise real (moto-backed) client, and
 * records the exact inputs it was asked: aws-sdk-client-mock replaces every operation of a client,
 * which would hide the moto-backed ones the same test relies on.
 */
export function stubOperation(
  client: { middlewareStack: { add: (...args: any[]) => void } },
  command: string,
  answer: (input: any) => unknown,
): any[] {
  const inputs: any[] = [];
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      if (context.commandName !== command) return next(args);
      inputs.push(structuredClone(args.input));
      const output = answer(args.input);
      if (output instanceof Error) throw output;
      return { output: { $metadata: {}, ...(output as object) }, response: {} };
    },
    // After the call counter (initialize, normal priority): a stubbed call still counts.
    { step: 'initialize', priority: 'low', name: `stub-${command}` },
  );
  return inputs;
}
