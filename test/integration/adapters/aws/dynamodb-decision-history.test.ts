import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../../../functions/adapters/aws/dynamodb/decision-log';
import type { Clock } from '../../../../functions/ports/clock';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { describeDecisionHistoryContract } from '../../../contract/decision-history.contract';

const client = new DynamoDBClient(awsClientConfig());
const table = uniqueName('decision-history');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeDecisionHistoryContract('dynamodb (moto)', async () => {
  let now = new Date();
  const clock: Clock = { now: () => now, sleep: async () => {} };
  return { log: new DynamoDecisionLog(client, table, { clock }), setNow: (iso) => (now = new Date(iso)) };
});
