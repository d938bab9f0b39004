/**
 * Followed redeployments on the state table: ROLLBACK / REDEPLOY#<deployment id>, one item each.
 * A finished item stays (with `outcome`) until its TTL, so a late duplicate delivery that finds the
 * redeployment again cannot follow it a second time.
 */
import { PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../../ports/clock';
import type { RedeployWatch, WatchedRedeploy } from '../../../ports/redeploy-watch';
import { N, S, call, conditionally, queryAll, str } from './items';

/** Longer than any alarm delivery may be late (staleAfterSeconds ≤ a day) and any follow-up lasts. */
const KEEP_S = 30 * 86_400;
const FIELDS = [
  'deploymentId',
  'binding',
  'subject',
  'application',
  'group',
  'platform',
  'bad',
  'good',
  'alarm',
  'createdAt',
] as const;

export class DynamoRedeployWatch implements RedeployWatch {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  private key(deploymentId: string) {
    return { pk: S('ROLLBACK'), sk: S(`REDEPLOY#${deploymentId}`) };
  }

  async watch(r: WatchedRedeploy): Promise<boolean> {
    return conditionally(
      'PutItem',
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              ...this.key(r.deploymentId),
              ...Object.fromEntries(FIELDS.map((f) => [f, S(r[f])])),
              ttl: N(Math.floor(this.clock.now().getTime() / 1000) + KEEP_S),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      this.clock,
    );
  }

  async pending(): Promise<WatchedRedeploy[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_not_exists(outcome)',
        ExpressionAttributeValues: { ':pk': S('ROLLBACK'), ':prefix': S('REDEPLOY#') },
      },
      this.clock,
    );
    return items.map((i) => Object.fromEntries(FIELDS.map((f) => [f, str(i, f) ?? ''])) as unknown as WatchedRedeploy);
  }

  async finish(deploymentId: string, outcome: string): Promise<void> {
    await call(
      'UpdateItem',
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: this.key(deploymentId),
            UpdateExpression: 'SET outcome = :outcome',
            ExpressionAttributeValues: { ':outcome': S(outcome) },
          }),
        ),
      { clock: this.clock },
    );
  }
}
