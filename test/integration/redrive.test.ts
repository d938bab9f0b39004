import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { redrive, type FunctionKey } from '../../functions/cli/redrive';
import { awsClientConfig, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';

describe('redrive against moto SQS', () => {
  const sqs = new SQSClient(awsClientConfig());

  async function queueWith(bodies: Array<{ body: unknown; attributes?: Record<string, string> }>) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }));
    for (const { body, attributes = {} } of bodies)
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify(body),
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
        }),
      );
    return QueueUrl as string;
  }

  const depth = async (url: string) => {
    const r = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(r.Attributes?.ApproximateNumberOfMessages) + Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  it('unwraps EventBridge DLQ messages and on-failure records to the original events, deleting each after its handler succeeded', async () => {
    const alarm = loadFixture('cloudwatch-alarm-state-change.single-metric.json');
    const created = loadFixture('s3-object-created.eventbridge.json');
    const url = await queueWith([
      { body: alarm, attributes: { ERROR_CODE: 'SDK_CLIENT_ERROR' } },
      {
        body: {
          version: '1.0',
          requestContext: {
            requestId: 'r-1',
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mlops-controller-dev-dataArrived:$LATEST',
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: created,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'AwsCallError', errorMessage: 'dynamodb.PutItem failed: throttled' },
        },
      },
    ]);
    const delivered: Array<{ fn: FunctionKey; event: unknown }> = [];
    const report = await redrive({ sqs, queue: url, dispatch: async (fn, event) => delivered.push({ fn, event }) });
    expect(report).toMatchObject({ received: 2, replayed: 2, failed: 0 });
    expect(delivered).toEqual(
      expect.arrayContaining([
        { fn: 'alarmRollback', event: alarm },
        { fn: 'dataArrived', event: created },
      ]),
    );
    expect(await depth(url)).toBe(0);
  });

  it('keeps a message whose handler fails again, and a dry run deletes nothing', async () => {
    const url = await queueWith([{ body: loadFixture('sagemaker-model-package-state-change.json') }]);
    const dry = await redrive({ sqs, queue: url, dryRun: true, dispatch: async () => undefined });
    expect(dry.messages[0]).toMatchObject({ fn: 'registryGate', result: 'dry-run' });
    const failed = await redrive({
      sqs,
      queue: url,
      dispatch: async () => {
        throw new Error('still throttled');
      },
    });
    expect(failed).toMatchObject({ replayed: 0, failed: 1 });
    expect(await depth(url)).toBe(1);
  });
});
