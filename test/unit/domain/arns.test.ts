import { packageGroupName, snsTopicOrigin } from '../../../functions/domain/arns';

// SNS topic ARNs: arn:<partition>:sns:<region>:<12-digit account>:<topic name>; a subscription ARN
// adds a sixth colon and the subscription id.
describe('snsTopicOrigin', () => {
  it.each<[string, string | undefined, { region: string; account: string } | undefined]>([
    [
      'a standard topic',
      'arn:aws:sns:us-east-1:123456789012:approvals',
      { region: 'us-east-1', account: '123456789012' },
    ],
    [
      'a FIFO topic (name ends in .fifo)',
      'arn:aws:sns:eu-west-1:123456789012:orders.fifo',
      { region: 'eu-west-1', account: '123456789012' },
    ],
    [
      'the China partition',
      'arn:aws-cn:sns:cn-north-1:123456789012:t',
      { region: 'cn-north-1', account: '123456789012' },
    ],
    [
      'the GovCloud partition',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:t',
      { region: 'us-gov-west-1', account: '123456789012' },
    ],
    ['no TopicArn at all', undefined, undefined],
    ['an empty string', '', undefined],
    [
      'a subscription ARN (one field too many)',
      'arn:aws:sns:us-east-1:123456789012:t:0b6f5c3e-1c2d-4c7e-9d1a-2f3e4d5c6b7a',
      undefined,
    ],
    ['an ARN of another service', 'arn:aws:sqs:us-east-1:123456789012:t', undefined],
    ['not an ARN', 'urn:aws:sns:us-east-1:123456789012:t', undefined],
    ['no region', 'arn:aws:sns::123456789012:t', undefined],
    ['an 11-digit account', 'arn:aws:sns:us-east-1:12345678901:t', undefined],
    ['a 13-digit account', 'arn:aws:sns:us-east-1:1234567890123:t', undefined],
    ['an account that is not digits', 'arn:aws:sns:us-east-1:12345678901x:t', undefined],
    ['no topic name', 'arn:aws:sns:us-east-1:123456789012:', undefined],
    ['a topic name alone', 'approvals', undefined],
  ])('%s: %s → %j', (_, arn, origin) => {
    expect(snsTopicOrigin(arn)).toEqual(origin);
  });
});

describe('packageGroupName', () => {
  it.each<[string, string, string]>([
    ['a name', 'churn-models', 'churn-models'],
    ['a group ARN', 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models', 'churn-models'],
    ['a GovCloud group ARN', 'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package-group/Churn', 'Churn'],
  ])('%s: %s → %s', (_, input, name) => {
    expect(packageGroupName(input)).toBe(name);
  });
});
