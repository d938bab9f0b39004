import { inOneCallOrEach } from '../../../../functions/handlers/support/partial-batch';
import type { RecordOrigin } from '../../../../functions/parsing/parsed';
import type { Logger } from '../../../../functions/ports/logger';

const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const via = (v: RecordOrigin['via'], id: string) => ({ origin: { via: v, id } });

describe('inOneCallOrEach', () => {
  it('acts on the whole batch in one call and reports no failure to SQS', async () => {
    const calls: string[][] = [];
    const result = await inOneCallOrEach(
      { sqs: true, deliveries: [via('sqs', 'a'), via('sqs', 'b')] },
      { all: async (ds) => void calls.push(ds.map((d) => d.origin.id)), each: async () => {} },
      logger,
    );
    expect(calls).toEqual([['a', 'b']]);
    expect(result).toEqual({ batchItemFailures: [] });
  });

  it('answers an SQS batch with nothing to act on (every record invalid or foreign) with no failure', async () => {
    expect(await inOneCallOrEach({ sqs: true, deliveries: [] }, { all: fail, each: fail }, logger)).toEqual({
      batchItemFailures: [],
    });
    expect(await inOneCallOrEach({ sqs: false, deliveries: [] }, { all: fail, each: fail }, logger)).toBeUndefined();
  });

  it('after a failed batch call, retries each SQS delivery alone and reports only those that fail again', async () => {
    const each: string[] = [];
    const result = await inOneCallOrEach(
      { sqs: true, deliveries: [via('sqs', 'a'), via('sqs', 'b'), via('sqs', 'c')] },
      {
        all: fail,
        each: async (d) => {
          each.push(d.origin.id);
          if (d.origin.id === 'b') throw new Error('throttled');
        },
      },
      logger,
    );
    expect(each).toEqual(['a', 'b', 'c']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it.each([
    ['a single SQS delivery', [via('sqs', 'a')]],
    ['deliveries not all from SQS', [via('sqs', 'a'), via('sns', 'b')]],
  ])('lets the error of %s surface so Lambda retries the invocation', async (_what, deliveries) => {
    await expect(
      inOneCallOrEach({ sqs: true, deliveries }, { all: fail, each: async () => {} }, logger),
    ).rejects.toThrow('batch failed');
  });
});

async function fail(): Promise<void> {
  throw new Error('batch failed');
}
