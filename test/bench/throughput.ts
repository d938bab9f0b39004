/**
 * P6's reference rate: the ledger's conditional PutItem (an identity claim: a small item written
 * only if absent) issued as fast as moto takes it, with the storm's client setup (requests
 * serialized per client, see test/support/serialize-requests.ts) and the storm's worker count.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { serializeRequests } from '../support/serialize-requests';

export interface RawRate {
  puts: number;
  seconds: number;
  putsPerSecond: number;
}

/**
 * `puts` conditional PutItems from `workers` concurrent workers, on a fresh table or on `into` (the
 * storm's table, so that the reference is taken at the same table size as the handler).
 */
export async function rawConditionalPuts(puts: number, workers: number, into?: string): Promise<RawRate> {
  const dynamo = new DynamoDBClient({ ...awsClientConfig(), maxAttempts: 5 });
  serializeRequests(dynamo);
  const table = into ?? uniqueName('bench-raw');
  if (!into) await createStateTable(dynamo, table);
  const run = uniqueName('raw');
  const expires = String(Math.floor(Date.now() / 1000) + 35 * 86_400);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let n = next++; n < puts; n = next++)
        await dynamo.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              pk: { S: `BENCH-RAW#${run}` },
              sk: { S: `OBJ#${n.toString(36).padStart(43, '0')}` },
              p: { N: String(n) },
              ttl: { N: expires },
            },
            ConditionExpression: 'attribute_not_exists(sk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  dynamo.destroy();
  return { puts, seconds: Math.round(seconds * 100) / 100, putsPerSecond: Math.round(puts / seconds) };
}
