/**
 * The account's CodeBuild slots on the state table: one item (pk `CODEBUILD`, sk `SLOTS`) with a
 * numeric `version` and a map of holder → lapse time and build ARN. Every swap is a PutItem conditional on the
 * version read. At the default 60 slots the item stays near 12 KB (twelve write units a swap); it
 * is written three times per build (claim, build named, release), far below the rate a table serves.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SlotHolders } from '../../../domain/build-slots';
import type { BuildSlots, SlotState } from '../../../ports/build-slots';
import { systemClock, type Clock } from '../../../ports/clock';
import { N, S, call, conditionally, num, type Item } from './items';

const KEY: Item = { pk: S('CODEBUILD'), sk: S('SLOTS') };

export class DynamoBuildSlots implements BuildSlots {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async read(): Promise<SlotState> {
    const { Item: item } = await call(
      'GetItem',
      () => this.client.send(new GetItemCommand({ TableName: this.table, Key: KEY, ConsistentRead: true })),
      { clock: this.clock },
    );
    if (!item) return { version: 0, holders: {} };
    const holders: SlotHolders = Object.fromEntries(
      Object.entries(item.holders?.M ?? {}).flatMap(([holder, value]) => {
        const until = value.M?.until?.S;
        if (!until) return [];
        const executionId = value.M?.executionId?.S;
        return [[holder, executionId ? { until, executionId } : { until }]];
      }),
    );
    return { version: num(item, 'version') ?? 0, holders };
  }

  async swap(expected: SlotState, holders: SlotHolders): Promise<boolean> {
    const first = expected.version === 0;
    return conditionally(
      'PutItem',
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              ...KEY,
              version: N(expected.version + 1),
              holders: {
                M: Object.fromEntries(
                  Object.entries(holders).map(([h, v]) => [
                    h,
                    { M: { until: S(v.until), ...(v.executionId ? { executionId: S(v.executionId) } : {}) } },
                  ]),
                ),
              },
            },
            // Written with version ≥ 1 only, so "no item" is version 0.
            ConditionExpression: first ? 'attribute_not_exists(sk)' : '#version = :version',
            ...(first
              ? {}
              : {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': N(expected.version) },
                }),
          }),
        ),
      this.clock,
    );
  }
}
