import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger } from '../../../../functions/adapters/aws/dynamodb/ledger';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { describeBatchLedgerContract } from '../../../contract/batch-ledger.contract';

const client = new DynamoDBClient(awsClientConfig());
const table = uniqueName('ledger');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeBatchLedgerContract('dynamodb (moto)', () => new DynamoBatchLedger(client, table), { timeout: 30_000 });
