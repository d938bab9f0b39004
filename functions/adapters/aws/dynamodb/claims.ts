import { DeleteItemCommand, type DynamoDBClient, type Put } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../../ports/clock';
import type { Claims } from '../../../ports/claims';
import { N, S, call, conditionalPut, type Item } from './items';

/**
 * A claim as the item `pk = CLAIM#<key>, sk = CLAIM` written with a condition: absent, or expired
 * (DynamoDB's TTL deletes lazily, so an expired item may still be there and must not block). Also
 * the claim inside a committed decision's transaction (DynamoDecisionLog), with its owner.
 */
export function claimPut(
  table: string,
  key: string,
  ttlSeconds: number,
  now: Date,
  owner?: string,
): Put & { Item: Item; ConditionExpression: string } {
  const nowS = Math.floor(now.getTime() / 1000);
  return {
    TableName: table,
    Item: {
      pk: S(`CLAIM#${key}`),
      sk: S('CLAIM'),
      ttl: N(nowS + ttlSeconds),
      at: S(now.toISOString()),
      ...(owner ? { owner: S(owner) } : {}),
    },
    ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':now': N(nowS) },
  };
}

/** Claims on the state table (claimPut's items). */
export class DynamoClaims implements Claims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const result = await conditionalPut(
      this.client,
      claimPut(this.table, key, ttlSeconds, this.clock.now()),
      this.clock,
    );
    return result.written;
  }

  async release(key: string): Promise<void> {
    await call('DeleteItem', () =>
      this.client.send(
        new DeleteItemCommand({ TableName: this.table, Key: { pk: S(`CLAIM#${key}`), sk: S('CLAIM') } }),
      ),
    );
  }
}
