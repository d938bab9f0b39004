/**
 * An alarm bound to retraining on the DynamoDB adapters (moto): the request, the guard and the
 * decisions live in a real state table, so the conditional writes that make one ALARM transition
 * one request and one start are DynamoDB's, not the memory store's.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoRetrainRequests } from '../../functions/adapters/aws/dynamodb/retrain-requests';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { alarmDeliveries, alarmRetraining } from '../support/alarm-retraining';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { serializeRequests } from '../support/serialize-requests';

const dynamo = new DynamoDBClient(awsClientConfig());
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(dynamo);
afterAll(() => dynamo.destroy());

async function dynamoTable() {
  const table = uniqueName('alarm-retraining');
  await createStateTable(dynamo, table);
  return {
    table,
    requests: new DynamoRetrainRequests(dynamo, table),
    runs: new DynamoRunStore(dynamo, table),
    ledger: new DynamoBatchLedger(dynamo, table),
    store: new DynamoRollbackStore(dynamo, table),
    decisions: new DynamoDecisionLog(dynamo, table),
  };
}

async function items(table: string) {
  const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
  return Items;
}

describe('an alarm bound to retraining (DynamoDB state table on moto)', () => {
  it('30 concurrent deliveries of one ALARM transition make one request; concurrent sweeps start it once', async () => {
    const t = await dynamoTable();
    const w = alarmRetraining(t);
    const deliveries = Array.from({ length: 30 }, (_, i) => structuredClone(alarmDeliveries()[i % 3]));
    await Promise.all(deliveries.map((e) => w.alarm(e)));
    expect(w.starts()).toEqual([]);

    w.clock.advance(60);
    await Promise.all(Array.from({ length: 4 }, () => w.sweep()));
    expect(w.starts().map((a) => a.input.clientRequestToken)).toHaveLength(1);

    const all = await items(t.table);
    const requests = all.filter((i) => i.pk?.S?.startsWith('RETRAIN#'));
    expect(requests.map((i) => [i.pk?.S, i.alarm?.S, i.outcome?.S, i.executionId?.S])).toEqual([
      ['RETRAIN#drift', 'ServerCpuTooHigh', 'STARTED', w.executions()[0]!.id],
    ]);
    const decided = all.filter((i) => i.kind?.S === 'rollback.retrain' || i.kind?.S?.startsWith('retraining.'));
    const counts = decided.reduce<Record<string, number>>((c, i) => {
      const key = `${i.kind?.S} ${i.outcome?.S}`;
      c[key] = (c[key] ?? 0) + 1;
      return c;
    }, {});
    expect(counts).toEqual({
      'rollback.retrain REQUESTED': 1,
      'rollback.retrain DUPLICATE': 29,
      'retraining.start STARTED': 1,
    });

    // Later sweeps and a late redelivery change nothing.
    await w.alarm(alarmDeliveries()[1]);
    w.clock.advance(60);
    await w.sweep();
    expect(w.starts()).toHaveLength(1);
  }, 60_000);
});
