/** Claims on DynamoDB and HOLD notifications on SNS, both on moto. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoClaims } from '../../../../functions/adapters/aws/dynamodb/claims';
import { SnsNotifier } from '../../../../functions/adapters/aws/sns';
import { describeClaimsContract } from '../../../contract/claims.contract';
import { TestClock } from '../../../support/memory-harness';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';

const dynamo = new DynamoDBClient(awsClientConfig());

describeClaimsContract('DynamoClaims on moto', async () => {
  const table = uniqueName('claims');
  await createStateTable(dynamo, table);
  const clock = new TestClock();
  return { claims: new DynamoClaims(dynamo, table, clock), advance: (s) => clock.advance(s) };
});

describe('SnsNotifier on moto', () => {
  it('publishes the subject and message to the topic', async () => {
    const sns = new SNSClient(awsClientConfig());
    const sqs = new SQSClient(awsClientConfig());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('approvals') }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('inbox') }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: 'false' },
      }),
    );
    const id = await new SnsNotifier(sns).notify(
      TopicArn!,
      'mlops-controller HOLD churn-models/4',
      'auc=- NODATA critical',
    );
    expect(id).toMatch(/\S/);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(JSON.parse(Messages![0]!.Body!)).toMatchObject({
      TopicArn,
      Subject: 'mlops-controller HOLD churn-models/4',
      Message: 'auc=- NODATA critical',
    });
  });
});
