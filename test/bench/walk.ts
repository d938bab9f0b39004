/**
 * `npm run walk -- '<bench case>'`: how one event travels through the code, for the event walks
 * in docs/architecture.md. Runs one P5 case of calls.ts (matched by the start of its name) on its
 * own moto server and prints, for the counted invocation only: the project frames of the stack at
 * every AWS call, in call order, and every project file whose code ran, with its functions and
 * their call counts (V8 precise coverage). The order between AWS calls is read from the code.
 */
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { CountingAws, callCases, type ClientConfig } from './calls';
import { motoEnvironment, startMoto, stopMoto } from '../support/moto-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const project = /\/(functions|infra)\//;

interface MiddlewareClient {
  middlewareStack: { add: (middleware: any, options: any) => void };
}

/** Counts like CountingAws, and keeps the project frames of the stack at every counted call. */
class TracingAws extends CountingAws {
  readonly stacks: string[] = [];

  override client<C extends MiddlewareClient>(make: (config: ClientConfig) => C): C {
    const client = super.client(make);
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        async (args: unknown) => {
          if (this.counting) {
            const frames = (new Error().stack ?? '')
              .split('\n')
              .filter((line) => project.test(line) && !line.includes('node_modules'))
              .map((line) => line.replace(repoRoot, ''));
            this.stacks.push(`${context.clientName}.${context.commandName}\n${frames.join('\n')}`);
          }
          return next(args);
        },
      { step: 'initialize', priority: 'high', name: 'benchWalkTrace' },
    );
    return client;
  }
}

interface Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }>;
}

async function main(): Promise<void> {
  const wanted = process.argv[2];
  const found = callCases.find((c) => wanted && c.name.startsWith(wanted));
  if (!found) {
    process.stderr.write(`name a case by the start of its name:\n${callCases.map((c) => `  ${c.name}`).join('\n')}\n`);
    process.exitCode = 2;
    return;
  }
  Error.stackTraceLimit = 100;
  const { handle } = await startMoto();
  Object.assign(process.env, motoEnvironment(handle));
  try {
    const aws = new TracingAws(handle.endpoint);
    const invoke = await found.setup(aws);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    // Taking coverage resets the counts: what the next take reports ran during the invocation.
    await session.post('Profiler.takePreciseCoverage');
    aws.counting = true;
    await invoke();
    aws.counting = false;
    const coverage = (await session.post('Profiler.takePreciseCoverage')) as unknown as Coverage;
    session.disconnect();
    const files = coverage.result
      .filter((script) => project.test(script.url) && !script.url.includes('node_modules'))
      .map((script) => {
        const ran = script.functions
          .filter((f) => (f.ranges[0]?.count ?? 0) > 0)
          .map((f) => `${f.functionName || '(anonymous)'}×${f.ranges[0]!.count}`);
        return `${fileURLToPath(script.url).replace(repoRoot, '')}: ${ran.join(', ')}`;
      })
      .filter((line) => !line.endsWith(': '));
    process.stdout.write(
      `${found.name}: ${aws.stacks.length} AWS calls\n\n${aws.stacks.join('\n\n')}\n\n` +
        `${files.length} project files ran:\n${files.join('\n')}\n`,
    );
  } finally {
    await stopMoto(handle.pid, handle.logFile);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
