import { lambdaHandler } from '../../../functions/config/runtime';

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
