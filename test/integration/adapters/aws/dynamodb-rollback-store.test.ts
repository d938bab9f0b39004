import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRollbackStore } from '../../../../functions/adapters/aws/dynamodb/rollback-store';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { describeRollbackStoreContract } from '../../../contract/rollback-store.contract';

const client = new DynamoDBClient(awsClientConfig());
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client);
const table = uniqueName('rollback-store');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeRollbackStoreContract('dynamodb (moto)', () => new DynamoRollbackStore(client, table));
