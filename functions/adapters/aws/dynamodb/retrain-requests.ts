/**
 * Retraining requests on the state table (pk `RETRAIN#<rule>`, sk `REQUEST#<token>`):
 *   request  conditional PutItem on the key: every delivery of one alarm transition is one item
 *   pending  one Query of the rule's partition per sweep; settled and freshly taken ones filtered
 *   take     conditional UpdateItem: unsettled, and untaken or taken longer ago than STALE_TAKE_MS
 *   settle   conditional UpdateItem: the first outcome stays
 * Items expire after a week: alarm transitions are rare, so the partition the sweeper reads every
 * minute stays a handful of items, and a redelivery (EventBridge and Lambda retry for hours, not
 * days) still finds its request.
 */
import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../../ports/clock';
import { STALE_TAKE_MS, type RetrainRequest, type RetrainRequests } from '../../../ports/retrain-requests';
import { N, S, conditionalPut, conditionally, queryAll, str } from './items';

const KEEP_S = 7 * 86_400;
/** Neither settled nor taken within STALE_TAKE_MS (`:stale`): what pending() lists and take() takes. */
const TAKEABLE = 'attribute_not_exists(#outcome) AND (attribute_not_exists(takenAt) OR takenAt < :stale)';

export class DynamoRetrainRequests implements RetrainRequests {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  private key(rule: string, token: string) {
    return { pk: S(`RETRAIN#${rule}`), sk: S(`REQUEST#${token}`) };
  }

  async request(r: RetrainRequest): Promise<boolean> {
    const result = await conditionalPut(
      this.client,
      {
        TableName: this.table,
        Item: {
          ...this.key(r.rule, r.token),
          rule: S(r.rule),
          token: S(r.token),
          batchId: S(r.batchId),
          binding: S(r.binding),
          alarm: S(r.alarm),
          reason: S(r.reason),
          requestedAt: S(r.requestedAt),
          ttl: N(Math.floor(Date.parse(r.requestedAt) / 1000) + KEEP_S),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      this.clock,
    );
    return result.written;
  }

  async pending(rule: string, now: Date): Promise<RetrainRequest[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: TAKEABLE,
        ExpressionAttributeNames: { '#outcome': 'outcome' },
        ExpressionAttributeValues: {
          ':pk': S(`RETRAIN#${rule}`),
          ':prefix': S('REQUEST#'),
          ':stale': N(now.getTime() - STALE_TAKE_MS),
        },
      },
      this.clock,
    );
    return items
      .map((i) => ({
        rule: str(i, 'rule') ?? rule,
        token: str(i, 'token') ?? '',
        batchId: str(i, 'batchId') ?? '',
        binding: str(i, 'binding') ?? '',
        alarm: str(i, 'alarm') ?? '',
        reason: str(i, 'reason') ?? '',
        requestedAt: str(i, 'requestedAt') ?? '',
      }))
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async take(rule: string, token: string, now: Date): Promise<boolean> {
    return this.update(rule, token, 'SET takenAt = :now', TAKEABLE, {
      ':now': N(now.getTime()),
      ':stale': N(now.getTime() - STALE_TAKE_MS),
    });
  }

  async settle(rule: string, token: string, outcome: string, at: Date, executionId?: string): Promise<void> {
    await this.update(
      rule,
      token,
      `SET #outcome = :outcome, settledAt = :at${executionId ? ', executionId = :execution' : ''}`,
      'attribute_not_exists(#outcome)',
      { ':outcome': S(outcome), ':at': S(at.toISOString()), ...(executionId ? { ':execution': S(executionId) } : {}) },
    );
  }

  /** A conditional update of an existing request; false when its condition failed. */
  private update(
    rule: string,
    token: string,
    expression: string,
    condition: string,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> {
    return conditionally(
      'UpdateItem',
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: this.key(rule, token),
            UpdateExpression: expression,
            ConditionExpression: `attribute_exists(pk) AND ${condition}`,
            ExpressionAttributeNames: { '#outcome': 'outcome' },
            ExpressionAttributeValues: values,
          }),
        ),
      this.clock,
    );
  }
}
