import { approvalSubject, parseApproval } from '../../../functions/parsing/approval';
import type { Rejected } from '../../../functions/parsing/parsed';
import { loadFixture } from '../../support/fixtures';
import { loadTestFixture } from '../../support/test-fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:pipeline-approvals';
const CODESTAR = 'codestar-notifications/codepipeline-manual-approval-needed.sns-message.json';

/** Lambda's SNS event around one message body (a string is sent as is). */
function sns(message: unknown, topicArn: string | null = TOPIC) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          ...(topicArn === null ? {} : { TopicArn: topicArn }),
          Message: typeof message === 'string' ? message : JSON.stringify(message),
        },
      },
    ],
  };
}

function codestar(change: (m: any) => void = () => {}) {
  const m = loadTestFixture(CODESTAR);
  change(m);
  return m;
}

function eventBridgeApproval(change: (e: any) => void = () => {}) {
  const e = loadFixture('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json');
  e.detail.type = { owner: 'AWS', category: 'Approval', provider: 'Manual', version: 1 };
  change(e);
  return e;
}

/** The parse as one list: its requests, then its skipped and invalid records with the subject they are recorded under. */
function parseApprovalDeliveries(event: unknown): unknown[] {
  const { commands, skipped, invalid } = parseApproval(event);
  const rejected = (kind: string) => (r: Rejected) => ({
    kind,
    id: r.origin.id,
    subject: approvalSubject(r.origin),
    reason: r.reason,
  });
  return [...commands, ...skipped.map(rejected('skipped')), ...invalid.map(rejected('invalid'))];
}

const docsTarget = { pipeline: 'myPipeline', stage: 'Prod', action: 'myAction' };

describe('parseApproval', () => {
  it.each<[string, unknown, unknown]>([
    [
      'the CodeStar "manual approval needed" notification: the execution it names, topic and message origins',
      sns(codestar()),
      {
        kind: 'started',
        via: 'codestar-notification',
        id: 'm-1',
        subject: 'sns/m-1',
        origins: [{ account: '123456789012', region: 'us-east-1' }, { account: '123456789012' }],
        target: { ...docsTarget, executionId: '12345678-1234-5678-abcd-12345678abcd' },
      },
    ],
    [
      'a FULL notification (supplemental additionalAttributes) the same way',
      sns(codestar((m) => (m.additionalAttributes = { externalEntityLink: 'https://example.com' }))),
      { kind: 'started', via: 'codestar-notification' },
    ],
    [
      'the classic approval SNS message, with its token',
      sns(loadFixture('codepipeline-manual-approval.sns-message.json')),
      {
        kind: 'notification',
        subject: 'sns/m-1',
        origins: [{ account: '123456789012', region: 'us-east-2' }],
        target: {
          pipeline: 'MyFirstPipeline',
          stage: 'MyApprovalStage',
          action: 'MyApprovalAction',
          token: '1a2b3c4d-573f-4ea7-a67E-XAMPLETOKEN',
        },
      },
    ],
    [
      'the EventBridge approval STARTED event',
      eventBridgeApproval(),
      {
        kind: 'started',
        via: 'eventbridge',
        subject: 'event/01234567-EXAMPLE',
        origins: [{ account: '123456789012', region: 'us-east-1' }],
        target: { ...docsTarget, executionId: '12345678-1234-5678-abcd-12345678abcd' },
      },
    ],
    [
      'a CodeStar notification of the approval succeeding: skipped',
      sns(codestar((m) => (m.detail.state = 'SUCCEEDED'))),
      { kind: 'skipped', reason: 'category Approval, state SUCCEEDED: not an approval that started' },
    ],
    [
      'a CodeStar notification of another action starting: skipped',
      sns(codestar((m) => (m.detail.type.category = 'Deploy'))),
      { kind: 'skipped', reason: expect.stringMatching(/^category Deploy, state STARTED/) },
    ],
    [
      'a CodeStar pipeline execution notification from the same rule: skipped',
      sns(codestar((m) => (m.detailType = 'CodePipeline Pipeline Execution State Change'))),
      { kind: 'skipped', reason: expect.stringContaining('"CodePipeline Pipeline Execution State Change"') },
    ],
    [
      'a CodeStar notification whose detail lacks the execution id: invalid, named',
      sns(codestar((m) => delete m.detail['execution-id'])),
      {
        kind: 'invalid',
        subject: 'sns/m-1',
        reason: expect.stringMatching(/^CodeStar notification: detail\.execution-id: /),
      },
    ],
    [
      'a CodeStar notification without its region: invalid',
      sns(codestar((m) => delete m.region)),
      { kind: 'invalid', reason: expect.stringMatching(/^CodeStar notification: region: /) },
    ],
    [
      'a CodeStar notification whose detail is not an object: invalid',
      sns(codestar((m) => (m.detail = 'STARTED'))),
      { kind: 'invalid', reason: expect.stringMatching(/^CodeStar notification: detail: .*expected object/) },
    ],
    [
      'a CodeStar approval without a valid topic ARN: invalid',
      sns(codestar(), 'arn:aws:sqs:us-east-1:123456789012:q'),
      { kind: 'invalid', reason: 'SNS record has no valid topic ARN (arn:aws:sqs:us-east-1:123456789012:q)' },
    ],
    ['an SNS message that is not JSON', sns('{not json'), { kind: 'invalid', reason: 'SNS message is not JSON' }],
    [
      'an SNS message that is neither shape',
      sns({ hello: 'world' }),
      { kind: 'invalid', reason: 'SNS message is not a CodePipeline approval notification' },
    ],
    [
      'an unknown payload',
      { id: 'x', hello: 'world' },
      { kind: 'invalid', subject: 'event/x', reason: expect.stringMatching(/^neither a CodePipeline action/) },
    ],
  ])('reads %s', (_name, event, expected) => {
    const deliveries = parseApprovalDeliveries(event);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject(expected as object);
  });

  it('takes the CodeStar message account as a second origin, so a foreign pipeline account is caught', () => {
    const [d] = parseApprovalDeliveries(sns(codestar((m) => (m.account = '210987654321'))));
    expect(d).toMatchObject({ origins: [{ account: '123456789012' }, { account: '210987654321' }] });
  });
});
