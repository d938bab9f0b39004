import { ApprovalTokenNotVisibleError } from '../../../functions/workflows/gates';
import { loadFixture } from '../../support/fixtures';
import { loadTestFixture } from '../../support/test-fixtures';
import { ACCOUNT, REGION, TOPIC, arnOf, gateInput, gatesHarness, gatesPolicy } from '../../support/gates-harness';

const target = { pipeline: 'churn-deploy', stage: 'Approval', action: 'QualityGate' };
// The docs message's token ("...-XAMPLETOKEN") is a placeholder no pipeline issues (ApprovalToken
// is a lowercase UUID in the CodePipeline model): the tests put a real-form token in its place.
const TOKEN = '1a2b3c4d-573f-4ea7-a67e-4f1b2c3d4e5f';
// Execution ids and tokens as CodePipeline issues them (lowercase UUIDs).
const EXEC_1 = '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a';
const EXEC_2 = '9c4b7a2e-1d6f-4a8b-9e3c-5f0a1b2c3d4e';
const tokenOf = (executionId: string) => `7e${executionId.slice(2)}`;

/** The real manual-approval SNS message, its placeholder token replaced by a real-form one. */
function docsMessage() {
  const message = loadFixture('codepipeline-manual-approval.sns-message.json');
  message.approval.token = TOKEN;
  return message;
}

/** The real action execution event, turned into the manual approval it documents (type Manual/Approval). */
function approvalStarted(executionId = EXEC_1, fields: Record<string, unknown> = {}) {
  const event = loadFixture('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json');
  Object.assign(event, { account: ACCOUNT, region: REGION });
  Object.assign(event.detail, {
    pipeline: target.pipeline,
    stage: target.stage,
    action: target.action,
    'execution-id': executionId,
    type: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: 1 },
    ...fields,
  });
  return event;
}

/** The real manual-approval SNS message as Lambda receives it through SNS. */
function approvalNotification(
  message: unknown = docsMessage(),
  topicArn: string | null = `arn:aws:sns:${REGION}:${ACCOUNT}:pipeline-approvals`,
) {
  const envelope = JSON.parse(JSON.stringify({ Records: [{ EventSource: 'aws:sns', Sns: {} }] }));
  envelope.Records[0].Sns = {
    MessageId: 'm-1',
    Type: 'Notification',
    ...(topicArn === null ? {} : { TopicArn: topicArn }),
    Message: JSON.stringify(message),
  };
  return envelope;
}

function harness(policy = gatesPolicy()) {
  const h = gatesHarness(policy);
  h.addPackage(1, { status: 'Approved', auc: 0.84 });
  h.addPackage(2, { auc: 0.87 }); // better
  h.addPackage(3, { auc: 0.8 }); // worse
  const waiting = (executionId: string, version: number | undefined, hiddenReads = 0, token = tokenOf(executionId)) =>
    h.state.approvals.push({
      ...target,
      executionId,
      token,
      status: 'InProgress',
      variables: version ? { MODEL_PACKAGE_ARN: arnOf('churn-models', version) } : {},
      hiddenReads,
    });
  return { ...h, waiting };
}

describe('approvalRequested (CodePipeline approval gate)', () => {
  it('approves the execution whose package variable names a better package, with the exact PutApprovalResult input', async () => {
    const h = harness();
    h.waiting(EXEC_1, 2);
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.actions()).toEqual([
      expect.objectContaining({
        service: 'codepipeline',
        operation: 'PutApprovalResult',
        input: {
          pipelineName: 'churn-deploy',
          stageName: 'Approval',
          actionName: 'QualityGate',
          token: tokenOf(EXEC_1),
          result: {
            status: 'Approved',
            summary: expect.stringMatching(/^APPROVE by gate churn-quality: every check passed/),
          },
        },
      }),
    ]);
    expect((h.actions()[0]!.input.result as { summary: string }).summary.length).toBeLessThanOrEqual(512);
    expect(h.gateDecisions()).toEqual([
      expect.objectContaining({
        kind: 'gate.approval',
        subject: `churn-deploy/Approval/QualityGate@${EXEC_1}`,
        outcome: 'APPROVE',
      }),
    ]);
  });

  it('rejects the execution whose package is worse than the champion', async () => {
    const h = harness();
    h.waiting(EXEC_2, 3);
    await h.approvalHandler(approvalStarted(EXEC_2));
    expect(h.actions().map((a) => (a.input.result as { status: string }).status)).toEqual(['Rejected']);
  });

  it('waits with backoff for a token that lags the event, then answers', async () => {
    const h = harness();
    h.waiting(EXEC_1, 2, 3);
    const before = h.clock.now().getTime();
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.clock.now().getTime() - before).toBe(1_000 + 2_000 + 4_000);
    expect(h.actions('PutApprovalResult')).toHaveLength(1);
  });

  it('gives up after a bounded number of reads and surfaces the failure so the event is retried', async () => {
    const h = harness();
    h.waiting(EXEC_1, 2, 99);
    await expect(h.approvalHandler(approvalStarted(EXEC_1))).rejects.toBeInstanceOf(ApprovalTokenNotVisibleError);
    expect(h.actions()).toEqual([]);
    expect(h.gateDecisions()).toEqual([
      expect.objectContaining({ outcome: 'RETRY', reasons: [expect.stringContaining('after 5 reads')] }),
    ]);
  });

  it('does not answer for another execution that now occupies the stage', async () => {
    const h = harness();
    h.waiting('b3a1f2e4-6c5d-4b7a-8e9f-1a2b3c4d5e60', 3);
    await expect(h.approvalHandler(approvalStarted('a2f0e1d3-5b4c-4a69-8d8e-0f1a2b3c4d5f'))).rejects.toBeInstanceOf(
      ApprovalTokenNotVisibleError,
    );
    expect(h.actions()).toEqual([]);
  });

  it('answers once when the event is delivered twice, in sequence or at once', async () => {
    const h = harness();
    h.waiting(EXEC_1, 2);
    await Promise.all([h.approvalHandler(approvalStarted(EXEC_1)), h.approvalHandler(approvalStarted(EXEC_1))]);
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.actions('PutApprovalResult')).toHaveLength(1);
    expect(
      h
        .gateDecisions()
        .map((d) => d.outcome)
        .sort(),
    ).toEqual(['APPROVE', 'SKIPPED', 'SKIPPED']);
  });

  it('leaves an approval a person already answered alone', async () => {
    const h = harness();
    h.waiting(EXEC_1, 3);
    h.state.approvals[0]!.status = 'Succeeded';
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.actions()).toEqual([]);
    expect(h.gateDecisions()[0]).toMatchObject({
      outcome: 'SKIPPED',
      reasons: [expect.stringContaining('already Succeeded')],
    });
  });

  it('holds and notifies when the execution carries no package variable; never approves on nothing', async () => {
    const h = harness();
    h.waiting(EXEC_1, undefined);
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.actions('PutApprovalResult')).toEqual([]);
    expect(h.actions('Publish')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({
          TopicArn: TOPIC,
          Message: expect.stringContaining('has no variable MODEL_PACKAGE_ARN'),
        }),
      }),
    ]);
    expect(h.gateDecisions()[0]).toMatchObject({ outcome: 'HOLD' });
  });

  it('holds when the variable names a package of another group', async () => {
    const h = harness();
    h.waiting(EXEC_1, undefined);
    h.state.approvals[0]!.variables = { MODEL_PACKAGE_ARN: arnOf('other-models', 1) };
    h.state.packages.set(arnOf('other-models', 1), {
      ...h.state.packages.get(arnOf('churn-models', 2))!,
      arn: arnOf('other-models', 1),
      group: 'other-models',
    });
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.gateDecisions()[0]).toMatchObject({
      outcome: 'HOLD',
      reasons: [expect.stringContaining('is in group other-models, not churn-models')],
    });
  });

  it('rejects an execution deploying a package the registry already rejected, without re-judging it', async () => {
    const h = harness();
    h.state.packages.get(arnOf('churn-models', 2))!.status = 'Rejected';
    h.waiting(EXEC_1, 2);
    await h.approvalHandler(approvalStarted(EXEC_1));
    expect(h.actions()).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({
          result: {
            status: 'Rejected',
            summary: 'REJECT by gate churn-quality: model package churn-models/2 is Rejected in the registry',
          },
        }),
      }),
    ]);
  });

  describe('the manual-approval SNS notification (carries the token)', () => {
    const docsTarget = { pipeline: 'MyFirstPipeline', stage: 'MyApprovalStage', action: 'MyApprovalAction' };
    const statusBound = gateInput({ approvals: [{ ...docsTarget, package: { status: 'PendingManualApproval' } }] });

    it('answers the real docs message for the group\u2019s newest pending package, without reading the pipeline state', async () => {
      const h = gatesHarness(gatesPolicy(statusBound));
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.7 }); // older pending
      h.addPackage(3, { auc: 0.9 }); // newest pending: the one judged
      h.state.approvals.push({
        ...docsTarget,
        executionId: EXEC_2,
        token: TOKEN,
        status: 'InProgress',
        variables: {},
        hiddenReads: 99,
      });
      const message = docsMessage();
      message.region = REGION;
      await h.approvalHandler(approvalNotification(message));
      expect(h.actions()).toEqual([
        expect.objectContaining({
          operation: 'PutApprovalResult',
          input: expect.objectContaining({
            pipelineName: 'MyFirstPipeline',
            token: TOKEN,
            result: expect.objectContaining({ status: 'Approved' }),
          }),
        }),
      ]);
    });

    it('finds the execution by its token when the package comes from a variable', async () => {
      const h = gatesHarness(
        gatesPolicy(gateInput({ approvals: [{ ...docsTarget, package: { variable: 'MODEL_PACKAGE_ARN' } }] })),
      );
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.8 });
      h.state.approvals.push({
        ...docsTarget,
        executionId: EXEC_2,
        token: TOKEN,
        status: 'InProgress',
        variables: { MODEL_PACKAGE_ARN: arnOf('churn-models', 2) },
        hiddenReads: 0,
      });
      const message = docsMessage();
      message.region = REGION;
      await h.approvalHandler(approvalNotification(message));
      expect(h.actions().map((a) => (a.input.result as { status: string }).status)).toEqual(['Rejected']);
    });

    it('ignores the docs message in its own region (us-east-2) as foreign', async () => {
      const h = gatesHarness(gatesPolicy(statusBound));
      await h.approvalHandler(approvalNotification());
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', reasons: [expect.stringMatching(/^region us-east-2/)] }),
      ]);
    });

    it.each([
      [
        'a topic in another account',
        'arn:aws:sns:us-east-1:210987654321:pipeline-approvals',
        /^account 210987654321 is not one of 123456789012/,
      ],
      ['no topic ARN', null, /topic ARN/],
      ['a topic ARN that is not an SNS ARN', 'arn:aws:sqs:us-east-1:123456789012:pipeline-approvals', /topic ARN/],
    ])('ignores a message in our region delivered from %s, answering nothing', async (_name, topicArn, reason) => {
      const h = gatesHarness(gatesPolicy(statusBound));
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.9 });
      h.state.approvals.push({
        ...docsTarget,
        executionId: EXEC_2,
        token: TOKEN,
        status: 'InProgress',
        variables: {},
        hiddenReads: 0,
      });
      const message = docsMessage();
      message.region = REGION;
      await h.approvalHandler(approvalNotification(message, topicArn));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', subject: 'sns/m-1', reasons: [expect.stringMatching(reason)] }),
      ]);
    });

    it('records an SNS message that is not an approval as ignored', async () => {
      const h = gatesHarness();
      await h.approvalHandler(approvalNotification({ hello: 'world' } as never));
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({
          kind: 'gate.ignore',
          reasons: ['SNS message is not a CodePipeline approval notification'],
        }),
      ]);
    });
  });

  describe('the CodeStar Notifications "manual approval needed" message (no token: read from the pipeline state)', () => {
    // test/fixtures/codestar-notifications/README.md names the documents this message is built from.
    const fixture = 'codestar-notifications/codepipeline-manual-approval-needed.sns-message.json';
    const codestarTarget = { pipeline: 'myPipeline', stage: 'Prod', action: 'myAction' };
    const EXECUTION = '12345678-1234-5678-abcd-12345678abcd';
    const notification = (change: (m: any) => void = () => {}, topicArn?: string | null) => {
      const message = loadTestFixture(fixture);
      change(message);
      return approvalNotification(message, topicArn);
    };
    const codestarHarness = () => {
      const h = gatesHarness(
        gatesPolicy(gateInput({ approvals: [{ ...codestarTarget, package: { variable: 'MODEL_PACKAGE_ARN' } }] })),
      );
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.87 }); // better
      h.addPackage(3, { auc: 0.8 }); // worse
      const waiting = (version: number | undefined) =>
        h.state.approvals.push({
          ...codestarTarget,
          executionId: EXECUTION,
          token: TOKEN,
          status: 'InProgress',
          variables: version ? { MODEL_PACKAGE_ARN: arnOf('churn-models', version) } : {},
          hiddenReads: 0,
        });
      return { ...h, waiting };
    };

    it.each([
      ['a better package', 2, 'Approved'],
      ['a worse package', 3, 'Rejected'],
    ])(
      'answers the execution it names carrying %s with the token from the pipeline state',
      async (_name, version, status) => {
        const h = codestarHarness();
        h.waiting(version);
        await h.approvalHandler(notification());
        expect(h.actions()).toEqual([
          expect.objectContaining({
            service: 'codepipeline',
            operation: 'PutApprovalResult',
            input: {
              ...{ pipelineName: 'myPipeline', stageName: 'Prod', actionName: 'myAction' },
              token: TOKEN,
              result: { status, summary: expect.stringMatching(/^(APPROVE|REJECT) by gate churn-quality/) },
            },
          }),
        ]);
        expect(h.gateDecisions()).toEqual([
          expect.objectContaining({ kind: 'gate.approval', subject: `myPipeline/Prod/myAction@${EXECUTION}` }),
        ]);
      },
    );

    it('holds and notifies when the execution carries no package variable, answering nothing', async () => {
      const h = codestarHarness();
      h.waiting(undefined);
      await h.approvalHandler(notification());
      expect(h.actions('PutApprovalResult')).toEqual([]);
      expect(h.actions('Publish')).toHaveLength(1);
      expect(h.gateDecisions()).toEqual([expect.objectContaining({ kind: 'gate.approval', outcome: 'HOLD' })]);
    });

    it('answers once when SNS delivers the same notification twice', async () => {
      const h = codestarHarness();
      h.waiting(2);
      await h.approvalHandler(notification());
      await h.approvalHandler(notification());
      expect(h.actions('PutApprovalResult')).toHaveLength(1);
    });

    it('logs and skips the notification of an approval that already succeeded', async () => {
      const h = codestarHarness();
      h.waiting(2);
      await h.approvalHandler(notification((m) => (m.detail.state = 'SUCCEEDED')));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([]);
      expect(h.lines).toContainEqual(
        expect.objectContaining({ level: 'info', message: expect.stringMatching(/nothing to do/) }),
      );
    });

    it.each<[string, (m: any) => void, string | undefined, RegExp]>([
      [
        'a message from another region',
        (m) => (m.region = 'us-east-2'),
        undefined,
        /^region us-east-2 is not one of us-east-1/,
      ],
      [
        'a topic in another account',
        () => {},
        'arn:aws:sns:us-east-1:210987654321:pipeline-approvals',
        /^account 210987654321 is not one of 123456789012/,
      ],
      ['a pipeline in another account', (m) => (m.account = '210987654321'), undefined, /^account 210987654321/],
      [
        'a detail without its action',
        (m) => delete m.detail.action,
        undefined,
        /^CodeStar notification: detail\.action: /,
      ],
      [
        'no execution id',
        (m) => delete m.detail['execution-id'],
        undefined,
        /^CodeStar notification: detail\.execution-id: /,
      ],
    ])('ignores %s with a logged error, answering nothing', async (_name, change, topicArn, reason) => {
      const h = codestarHarness();
      h.waiting(2);
      await h.approvalHandler(notification(change, topicArn));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', subject: 'sns/m-1', reasons: [expect.stringMatching(reason)] }),
      ]);
      expect(h.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          attributes: { subject: 'sns/m-1', reason: expect.stringMatching(reason) },
        }),
      );
    });

    it('records a notification for an approval no gate is bound to as ignored', async () => {
      const h = codestarHarness();
      await h.approvalHandler(notification((m) => (m.detail.action = 'SomeoneElses')));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', reasons: ['no gate is bound to this approval action'] }),
      ]);
    });
  });

  describe('events it does not act on', () => {
    it('logs and skips the real CodeDeploy action event (not an approval)', async () => {
      const h = harness();
      const event = loadFixture('codepipeline-action-execution-state-change.started-codedeploy.docs-repaired.json');
      await h.approvalHandler(event);
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([]);
    });

    it('skips an approval that did not start (the abandoned fixture\u2019s state)', async () => {
      const h = harness();
      await h.approvalHandler(approvalStarted(EXEC_1, { state: 'ABANDONED' }));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([]);
    });

    it('records an approval no gate is bound to as ignored', async () => {
      const h = harness();
      await h.approvalHandler(approvalStarted(EXEC_1, { action: 'SomeoneElses' }));
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', reasons: ['no gate is bound to this approval action'] }),
      ]);
    });

    it('records an unknown payload as ignored', async () => {
      const h = harness();
      await h.approvalHandler({ id: 'x', hello: 'world' });
      expect(h.gateDecisions()).toEqual([expect.objectContaining({ kind: 'gate.ignore', subject: 'event/x' })]);
    });
  });
});
