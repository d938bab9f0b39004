import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRedeployWatch } from '../../../../functions/adapters/aws/dynamodb/redeploy-watch';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { serializeRequests } from '../../../support/serialize-requests';
import { describeRedeployWatchContract } from '../../../contract/redeploy-watch.contract';

const client = new DynamoDBClient(awsClientConfig());
// moto is not atomic per request under concurrency (see serialize-requests.ts); DynamoDB is.
serializeRequests(client);
const table = uniqueName('redeploy-watch');

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

describeRedeployWatchContract('dynamodb (moto)', () => new DynamoRedeployWatch(client, table));
