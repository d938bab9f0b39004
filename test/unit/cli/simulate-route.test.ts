import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../functions/cli/simulate';
import { routeEvent } from '../../../functions/cli/simulate-route';
import { fixtureNames, loadFixture } from '../../support/fixtures';

const where = () => ({ account: '123456789012', region: 'us-east-1', time: '2026-11-22T08:00:00.000Z', id: 'sim-1' });
const sample = (name: string) => JSON.parse(readFileSync(join('events/samples', name), 'utf8'));
const codestarMessage = () =>
  JSON.parse(
    readFileSync('test/fixtures/codestar-notifications/codepipeline-manual-approval-needed.sns-message.json', 'utf8'),
  );

/** The SNS event Lambda receives for `message` (the Lambda developer guide's example envelope). */
function snsWrapped(message: unknown, topic = 'arn:aws:sns:us-east-1:123456789012:pipeline-approvals') {
  const e = sample('sns-envelope.json');
  Object.assign(e.Records[0].Sns, { Message: JSON.stringify(message), TopicArn: topic });
  return e;
}

describe('which function an event file reaches', () => {
  const expected: Record<string, string> = {
    'cloudwatch-alarm-state-change': 'alarmRollback',
    'codedeploy-lifecycle-hook': 'deploymentHook',
    'codepipeline-action-execution-state-change': 'approvalGate',
    'codepipeline-pipeline-execution-state-change': 'executionFinished',
    'codepipeline-stage-execution-state-change': 'stageRetry',
    's3-object-created': 'dataArrived',
    'sagemaker-endpoint': 'endpointTracker',
    'sagemaker-model-package-state-change': 'registryGate',
    'sagemaker-pipeline-execution-status-change': 'executionFinished',
  };
  const cases = fixtureNames()
    .filter((f) => !f.startsWith('codepipeline-manual-approval') && !f.startsWith('codedeploy-deployment'))
    .map((f): [string, string] => [
      f,
      expected[Object.keys(expected).find((prefix) => f.startsWith(prefix))!] as string,
    ]);

  it.each(cases)('%s goes to %s', (file, fn) => {
    expect(routeEvent(loadFixture(file), where)?.fn).toBe(fn);
  });

  it('a CodeDeploy deployment state change reaches no function (the stack subscribes none to it)', () => {
    expect(routeEvent(loadFixture('codedeploy-deployment-state-change.success.aws-lambda-go'), where)).toBeUndefined();
  });

  it('an SNS-wrapped manual-approval notification reaches the approval gate as it is', () => {
    const event = snsWrapped(loadFixture('codepipeline-manual-approval.sns-message'));
    expect(routeEvent(event, where)).toEqual({ fn: 'approvalGate', event });
  });

  it('an SNS-wrapped CodeStar notification reaches the approval gate as it is', () => {
    const event = snsWrapped(codestarMessage());
    expect(routeEvent(event, where)).toEqual({ fn: 'approvalGate', event });
  });

  it('a bare approval notification body is delivered in an SNS envelope, subject APPROVAL NEEDED', () => {
    const message = loadFixture('codepipeline-manual-approval.sns-message');
    const { fn, event } = routeEvent(message, where) as { fn: string; event: any };
    expect(fn).toBe('approvalGate');
    expect(JSON.parse(event.Records[0].Sns.Message)).toEqual(message);
    expect(event.Records[0].Sns.Subject).toBe('APPROVAL NEEDED');
  });

  it('a bare CodeStar notification body is delivered in an SNS envelope without a subject', () => {
    const { fn, event } = routeEvent(codestarMessage(), where) as { fn: string; event: any };
    expect(fn).toBe('approvalGate');
    expect(JSON.parse(event.Records[0].Sns.Message)).toEqual(codestarMessage());
    expect(event.Records[0].Sns).not.toHaveProperty('Subject');
  });

  it('an SNS-wrapped S3 notification reaches the data handler, an SNS alarm notification the rollback', () => {
    expect(routeEvent(snsWrapped(loadFixture('s3-object-created-put.notification')), where)?.fn).toBe('dataArrived');
    expect(routeEvent(snsWrapped({ AlarmName: 'a', NewStateValue: 'ALARM' }), where)?.fn).toBe('alarmRollback');
  });
});

describe('simulate delivers approval notifications to the approval gate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-route-'));
  const pkg = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/2';
  const executionId = '12345678-1234-5678-abcd-12345678abcd';
  // The documentation's example token (…-XAMPLETOKEN) breaks ApprovalToken's pattern: a real one does not.
  const token = '1a2b3c4d-573f-4ea7-a67e-0123456789ab';

  /** A waiting churn-deploy QualityGate whose execution deploys v2 (better than v1 in production). */
  function run(eventFile: unknown, extra = '') {
    const event = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(event, JSON.stringify(eventFile));
    const file = join(dir, `s-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(
      file,
      `name: routing
policy: ${process.cwd()}/controller.yml
world:
  objects:
    - { bucket: acme-ml-artifacts, key: e/1.json, body: '{"binary_classification_metrics":{"auc":{"value":0.84},"f1":{"value":0.71},"recall":{"value":0.70}}}' }
    - { bucket: acme-ml-artifacts, key: e/2.json, body: '{"binary_classification_metrics":{"auc":{"value":0.87},"f1":{"value":0.74},"recall":{"value":0.71}}}' }
  modelPackages:
    - { group: churn-models, version: 1, status: Approved, created: 2026-11-01T00:00:00Z, reports: { ModelQuality.Statistics: s3://acme-ml-artifacts/e/1.json } }
    - { group: churn-models, version: 2, created: 2026-11-20T00:00:00Z, reports: { ModelQuality.Statistics: s3://acme-ml-artifacts/e/2.json } }
  approvals:
    - { pipeline: churn-deploy, stage: Approval, action: QualityGate, executionId: ${executionId}, token: ${token}, variables: { MODEL_PACKAGE_ARN: '${pkg}' } }
steps:
  - event: ${event}
${extra}`,
    );
    return simulate(file);
  }
  const approvalResults = (r: Awaited<ReturnType<typeof simulate>>) =>
    r.actions
      .filter((a) => a.operation === 'PutApprovalResult')
      .map((a) => (a.input.result as { status: string }).status);

  const approvalNotification = () => {
    const m = loadFixture('codepipeline-manual-approval.sns-message');
    Object.assign(m, { region: 'us-east-1' });
    Object.assign(m.approval, {
      pipelineName: 'churn-deploy',
      stageName: 'Approval',
      actionName: 'QualityGate',
      token,
    });
    return m;
  };
  const codestar = () => {
    const m = codestarMessage();
    Object.assign(m.detail, {
      pipeline: 'churn-deploy',
      stage: 'Approval',
      action: 'QualityGate',
      'execution-id': executionId,
    });
    return m;
  };

  it('the SNS event of a manual-approval notification is answered by the gate', async () => {
    const r = await run(snsWrapped(approvalNotification()));
    expect(approvalResults(r)).toEqual(['Approved']);
    expect(r.decisions.map((d) => [d.kind, d.outcome])).toEqual([['gate.approval', 'APPROVE']]);
  });

  it('the SNS event of a CodeStar notification is answered by the gate', async () => {
    const r = await run(snsWrapped(codestar()));
    expect(approvalResults(r)).toEqual(['Approved']);
  });

  it('`to:` sends the same SNS event to the function it names: the data handler finds no S3 object in it', async () => {
    const r = await run(snsWrapped(approvalNotification()), '    to: dataArrived\n');
    expect(approvalResults(r)).toEqual([]);
    expect(r.decisions.map((d) => d.kind)).not.toContain('gate.approval');
    expect(r.decisions.map((d) => d.kind)).toEqual(['retraining.ignore']);
  });
});
