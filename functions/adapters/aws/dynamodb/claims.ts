import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../../ports/clock';
import type { Claims } from '../../../ports/claims';
import { N, S, call, conditionalPut } from './items';

/**
 * Claims as items `pk = CLAIM#<key>, sk = CLAIM` written with a condition: absent, or expired
 * (DynamoDB's TTL deletes lazily, so an expired item may still be there and must not block).
 */
export class DynamoClaims implements Claims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const result = await conditionalPut(
      this.client,
      {
        TableName: this.table,
        Item: {
          pk: S(`CLAIM#${key}`),
          sk: S('CLAIM'),
          ttl: N(now + ttlSeconds),
          at: S(this.clock.now().toISOString()),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': N(now) },
      },
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
