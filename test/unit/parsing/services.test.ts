import { parseLifecycleHook } from '../../../functions/parsing/codedeploy';
import { parseStageChange } from '../../../functions/parsing/codepipeline';
import { parseExecutionStateChange } from '../../../functions/parsing/pipeline-execution';
import { parseModelPackageChange } from '../../../functions/parsing/model-package';
import { parseEndpointChange } from '../../../functions/parsing/sagemaker';
import { loadFixture } from '../../support/fixtures';

const NOW = '2026-11-22T10:00:00.000Z';
const empty = { skipped: [], invalid: [] };

describe('parseStageChange', () => {
  it('reads the real stage event with its origin, whatever its state', () => {
    expect(parseStageChange(loadFixture('codepipeline-stage-execution-state-change.stopped'))).toEqual({
      ...empty,
      commands: [
        {
          id: '01234567-EXAMPLE',
          pipeline: 'myPipeline',
          stage: 'Deploy',
          executionId: '12345678-1234-5678-abcd-12345678abcd',
          state: 'STOPPED',
          account: '123456789012',
          region: 'us-west-2',
        },
      ],
    });
  });

  it.each([
    [
      'a pipeline execution event',
      loadFixture('codepipeline-pipeline-execution-state-change.failed'),
      '01234567-EXAMPLE',
    ],
    ['a non-object', 'nope', 'event'],
  ])('reports %s as one invalid record naming its id', (_what, event, id) => {
    expect(parseStageChange(event)).toEqual({
      commands: [],
      skipped: [],
      invalid: [{ origin: { via: 'unknown', id }, reason: 'not a CodePipeline stage execution state change' }],
    });
  });
});

describe('parseExecutionStateChange', () => {
  it.each([
    [
      'codepipeline-pipeline-execution-state-change.failed',
      { type: 'codepipeline', name: 'myPipeline' },
      '12345678-1234-5678-abcd-12345678abcd',
      'FAILED',
      true,
    ],
    [
      'codepipeline-pipeline-execution-state-change.started',
      { type: 'codepipeline', name: 'myPipeline' },
      '12345678-1234-5678-abcd-12345678abcd',
      'STARTED',
      false,
    ],
    [
      'sagemaker-pipeline-execution-status-change',
      { type: 'sagemaker', name: 'myPipeline-123' },
      expect.stringMatching(/^arn:aws:sagemaker:us-east-1:123456789012:pipeline\/myPipeline-123\/execution\//),
      'Succeeded',
      true,
    ],
  ])('reads %s: target, execution, status, and whether it ended', (fixture, target, executionId, status, ended) => {
    const e = loadFixture(fixture);
    expect(parseExecutionStateChange(e)).toEqual({
      ...empty,
      commands: [{ id: e.id, origin: { account: e.account, region: e.region }, target, executionId, status, ended }],
    });
  });

  it.each([
    ['an S3 event', loadFixture('s3-object-created.eventbridge')],
    [
      'a SageMaker pipeline ARN without a name',
      (() => {
        const e = loadFixture('sagemaker-pipeline-execution-status-change');
        e.detail.pipelineArn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/';
        return e;
      })(),
    ],
  ])('reports %s as invalid', (_what, event) => {
    const r = parseExecutionStateChange(event);
    expect(r.commands).toEqual([]);
    expect(r.invalid).toEqual([
      {
        origin: { via: 'unknown', id: event.id },
        reason: 'not a CodePipeline, SageMaker, Step Functions or CodeBuild execution state change',
      },
    ]);
  });
});

describe('parseEndpointChange', () => {
  it('reads the real endpoint event, whose time is epoch milliseconds', () => {
    expect(parseEndpointChange(loadFixture('sagemaker-endpoint-state-change'), NOW)).toEqual({
      ...empty,
      commands: [
        {
          id: 'd2921b5a-b0ad-cace-a8e3-0f159d018e06',
          endpoint: 'MyEndpoint',
          config: 'MyEndpointConfig',
          status: 'IN_SERVICE',
          at: new Date(1583831889050).toISOString(),
          account: '123456789012',
          region: 'us-west-2',
        },
      ],
    });
  });

  it('reads the endpoint deployment state change the same way', () => {
    const [c] = parseEndpointChange(
      loadFixture('sagemaker-endpoint-deployment-state-change.canary-baking.docs-repaired'),
      NOW,
    ).commands;
    expect(c).toMatchObject({ endpoint: expect.any(String), config: expect.any(String), status: expect.any(String) });
  });

  it('reports an event without the config name as invalid', () => {
    const e = loadFixture('sagemaker-endpoint-state-change');
    delete e.detail.EndpointConfigName;
    expect(parseEndpointChange(e, NOW).invalid).toEqual([
      { origin: { via: 'unknown', id: e.id }, reason: 'not a SageMaker endpoint (deployment) state change' },
    ]);
  });
});

describe('parseModelPackageChange', () => {
  it('reads the real package event with its snapshot and origin', () => {
    const e = loadFixture('sagemaker-model-package-state-change');
    const [c] = parseModelPackageChange(e).commands;
    expect(c).toMatchObject({
      id: e.id,
      origin: { account: '123456789012', region: 'us-east-2' },
      arn: e.detail.ModelPackageArn,
      group: 'versionedmp-p-idy6c3e1fiqj',
      snapshot: { arn: e.detail.ModelPackageArn, group: 'versionedmp-p-idy6c3e1fiqj', version: 2 },
    });
  });

  it.each([
    [undefined, true],
    ['PendingManualApproval', true],
    ['Approved', false],
    ['Rejected', false],
  ])('status %p: pending approval is %p', (status, pending) => {
    const e = loadFixture('sagemaker-model-package-state-change');
    if (status === undefined) delete e.detail.ModelApprovalStatus;
    else e.detail.ModelApprovalStatus = status;
    expect(parseModelPackageChange(e).commands[0]).toMatchObject({ pending });
  });

  it('names the field that makes an event invalid', () => {
    const e = loadFixture('sagemaker-model-package-state-change');
    e.detail.ModelPackageArn = 'not-an-arn';
    const r = parseModelPackageChange(e);
    expect(r.commands).toEqual([]);
    expect(r.invalid).toEqual([
      { origin: { via: 'unknown', id: e.id }, reason: expect.stringMatching(/^detail\.ModelPackageArn: /) },
    ]);
  });
});

describe('parseLifecycleHook', () => {
  it('reads the real hook invocation', () => {
    expect(parseLifecycleHook(loadFixture('codedeploy-lifecycle-hook.lambda.powertools'))).toEqual({
      ...empty,
      commands: [{ deploymentId: 'd-ABCDEF', hookExecutionId: 'xxxxxxxxxxxxxxxxxxxxxxxx' }],
    });
  });

  it('reports a hook without its execution id as invalid, naming the field', () => {
    expect(parseLifecycleHook({ DeploymentId: 'd-2' }).invalid).toEqual([
      {
        origin: { via: 'codedeploy', id: 'event' },
        reason: expect.stringMatching(/^not a CodeDeploy lifecycle hook event: LifecycleEventHookExecutionId: /),
      },
    ]);
  });
});
