import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRunStore } from '../../../../functions/adapters/aws/dynamodb/run-store';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { describeRunStoreContract } from '../../../contract/run-store.contract';

const client = new DynamoDBClient(awsClientConfig());
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client);
const table = uniqueName('run-store');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeRunStoreContract('dynamodb (moto)', () => new DynamoRunStore(client, table));
