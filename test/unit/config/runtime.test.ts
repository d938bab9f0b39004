import { lambdaHandler, sharedRuntime } from '../../../functions/config/runtime';

const context = { functionName: 'f', awsRequestId: 'r' } as never;

describe('lambdaHandler', () => {
  it('builds once: ready() ahead of the first event and the invocations share one build', async () => {
    let builds = 0;
    const handler = lambdaHandler(async () => {
      builds += 1;
      return async (event: number) => event * 2;
    });
    await handler.ready();
    await expect(handler(2, context)).resolves.toBe(4);
    await expect(handler(3, context)).resolves.toBe(6);
    expect(builds).toBe(1);
  });

  it('retries a failed build on the next call instead of caching the failure', async () => {
    let builds = 0;
    const handler = lambdaHandler(async () => {
      builds += 1;
      if (builds === 1) throw new Error('transient');
      return async (event: number) => event + 1;
    });
    await expect(handler.ready()).rejects.toThrow('transient');
    await expect(handler(1, context)).resolves.toBe(2);
    expect(builds).toBe(2);
  });
});

describe('sharedRuntime', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['missing', undefined, 'STATE_TABLE: Invalid input: expected string, received undefined'],
    ['empty', '', 'STATE_TABLE: STATE_TABLE must name the state table'],
  ])('fails loudly when STATE_TABLE is %s, naming the variable', async (_case, value, message) => {
    process.env = { ...saved };
    if (value === undefined) delete process.env.STATE_TABLE;
    else process.env.STATE_TABLE = value;
    await expect(sharedRuntime()).rejects.toThrow(`environment: ${message}`);
  });
});
