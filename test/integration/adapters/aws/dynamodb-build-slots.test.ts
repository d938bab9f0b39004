import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoBuildSlots } from '../../../../functions/adapters/aws/dynamodb/build-slots';
import { describeBuildSlotsContract } from '../../../contract/build-slots.contract';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';

const dynamo = new DynamoDBClient(awsClientConfig());
afterAll(() => dynamo.destroy());

describeBuildSlotsContract('DynamoBuildSlots on moto', async () => {
  const table = uniqueName('build-slots');
  await createStateTable(dynamo, table);
  return new DynamoBuildSlots(dynamo, table);
});
