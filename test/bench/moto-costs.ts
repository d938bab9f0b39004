/**
 * What one DynamoDB call of each kind the data-drop path makes costs on moto, on a given table:
 * P6's evidence for why the handler's rate falls as a storm grows the table while the reference
 * PutItem's does not. moto answers a Query by walking the whole table and deep-copies every table
 * for a TransactWriteItems; real DynamoDB does neither. Medians of a few calls each; every probe
 * item lives under its own partition, so the probes change nothing the ledger reads.
 */
import {
  BatchGetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { median } from './stats';

export interface MotoCosts {
  items: number;
  putItemMs: number;
  queryMs: number;
  batchGetItemMs: number;
  transactWriteItemsMs: number;
}

async function timed(runs: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await call(i);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.round(median(samples) * 10) / 10;
}

export async function motoCosts(dynamo: DynamoDBClient, table: string, items: number, runs = 9): Promise<MotoCosts> {
  const probe = `BENCH-PROBE#${Date.now().toString(36)}`;
  const key = (i: number) => ({ pk: { S: probe }, sk: { S: `P#${String(i).padStart(6, '0')}` } });
  return {
    items,
    putItemMs: await timed(runs, (i) =>
      dynamo.send(
        new PutItemCommand({
          TableName: table,
          Item: key(i),
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      ),
    ),
    queryMs: await timed(runs, () =>
      dynamo.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk > :from',
          ExpressionAttributeValues: { ':pk': { S: probe }, ':from': { S: 'P#' } },
          ConsistentRead: true,
        }),
      ),
    ),
    batchGetItemMs: await timed(runs, () =>
      dynamo.send(
        new BatchGetItemCommand({
          RequestItems: { [table]: { Keys: Array.from({ length: 10 }, (_, i) => key(i)), ConsistentRead: true } },
        }),
      ),
    ),
    transactWriteItemsMs: await timed(Math.min(runs, 5), (i) =>
      dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: key(1000 + 2 * i) } },
            { Put: { TableName: table, Item: key(1001 + 2 * i) } },
          ],
        }),
      ),
    ),
  };
}
