import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRetrainRequests } from '../../../../functions/adapters/aws/dynamodb/retrain-requests';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { describeRetrainRequestsContract } from '../../../contract/retrain-requests.contract';

const client = new DynamoDBClient(awsClientConfig());
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client);
const table = uniqueName('retrain-requests');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeRetrainRequestsContract('dynamodb (moto)', () => new DynamoRetrainRequests(client, table));
