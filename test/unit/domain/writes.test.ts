import { writeKey, writes } from '../../../functions/domain/writes';
import type { PlannedWrite } from '../../../functions/ports/decision-log';

const pkg = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

describe('writes: each write call named once, with the resource the guard governs', () => {
  it.each<[string, PlannedWrite, PlannedWrite]>([
    [
      'a CodePipeline start',
      writes.startPipeline('codepipeline', 'train'),
      {
        service: 'codepipeline',
        operation: 'StartPipelineExecution',
        resource: 'train',
        target: { kind: 'pipeline', type: 'codepipeline', name: 'train' },
      },
    ],
    [
      'a SageMaker pipeline start (same operation name, other service)',
      writes.startPipeline('sagemaker', 'train'),
      {
        service: 'sagemaker',
        operation: 'StartPipelineExecution',
        resource: 'train',
        target: { kind: 'pipeline', type: 'sagemaker', name: 'train' },
      },
    ],
    [
      'a package approval or rejection, governed by the package’s group',
      writes.updateModelPackage(pkg),
      {
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        resource: pkg,
        target: { kind: 'modelPackage', group: 'churn' },
      },
    ],
    [
      'an unversioned package (in no group): only the global mode governs it',
      writes.updateModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/standalone'),
      {
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/standalone',
        target: { kind: 'modelPackage', group: '' },
      },
    ],
    [
      'an approval answer, one resource per action',
      writes.answerApproval('deploy', 'Gate', 'Approve'),
      {
        service: 'codepipeline',
        operation: 'PutApprovalResult',
        resource: 'deploy/Gate/Approve',
        target: { kind: 'approval', pipeline: 'deploy', stage: 'Gate', action: 'Approve' },
      },
    ],
    [
      'a stopped deployment, named by its id',
      writes.stopDeployment('d-ABC123', 'app', 'live'),
      {
        service: 'codedeploy',
        operation: 'StopDeployment',
        resource: 'd-ABC123',
        target: { kind: 'deploymentGroup', application: 'app', group: 'live' },
      },
    ],
    [
      'a redeployment, named by its application and group',
      writes.createDeployment('app', 'live'),
      {
        service: 'codedeploy',
        operation: 'CreateDeployment',
        resource: 'app/live',
        target: { kind: 'deploymentGroup', application: 'app', group: 'live' },
      },
    ],
    [
      'an endpoint update, naming the config it returns to',
      writes.updateEndpoint('churn-ep', 'churn-cfg-6'),
      {
        service: 'sagemaker',
        operation: 'UpdateEndpoint',
        resource: 'churn-ep -> churn-cfg-6',
        target: { kind: 'endpoint', name: 'churn-ep' },
      },
    ],
    [
      'a freeze',
      writes.stageTransition('DisableStageTransition', 'deploy', 'Prod'),
      {
        service: 'codepipeline',
        operation: 'DisableStageTransition',
        resource: 'deploy/Prod',
        target: { kind: 'stageTransition', pipeline: 'deploy', stage: 'Prod' },
      },
    ],
    [
      'an unfreeze',
      writes.stageTransition('EnableStageTransition', 'deploy', 'Prod'),
      {
        service: 'codepipeline',
        operation: 'EnableStageTransition',
        resource: 'deploy/Prod',
        target: { kind: 'stageTransition', pipeline: 'deploy', stage: 'Prod' },
      },
    ],
    [
      'a stage retry',
      writes.retryStage('deploy', 'Build'),
      {
        service: 'codepipeline',
        operation: 'RetryStageExecution',
        resource: 'deploy/Build',
        target: { kind: 'stageRetry', pipeline: 'deploy', stage: 'Build' },
      },
    ],
  ])('%s', (_, built, expected) => {
    expect(built).toEqual(expected);
  });
});

describe('writeKey', () => {
  const w = (service: string, operation: string, resource: string) => ({ service, operation, resource });

  it('joins service, operation and resource with NUL', () => {
    expect(writeKey(w('codepipeline', 'PutApprovalResult', 'deploy/Gate/Approve'))).toBe(
      'codepipeline\u0000PutApprovalResult\u0000deploy/Gate/Approve',
    );
  });

  it.each<[string, boolean, ReturnType<typeof w>, ReturnType<typeof w>]>([
    [
      'the same call planned twice',
      true,
      w('sagemaker', 'UpdateEndpoint', 'ep -> c'),
      w('sagemaker', 'UpdateEndpoint', 'ep -> c'),
    ],
    [
      'the same operation name on another service',
      false,
      w('codepipeline', 'StartPipelineExecution', 'train'),
      w('sagemaker', 'StartPipelineExecution', 'train'),
    ],
    [
      'a freeze and an unfreeze of one stage',
      false,
      w('codepipeline', 'DisableStageTransition', 'deploy/Prod'),
      w('codepipeline', 'EnableStageTransition', 'deploy/Prod'),
    ],
    [
      'the same call on another resource',
      false,
      w('sagemaker', 'UpdateEndpoint', 'ep -> c1'),
      w('sagemaker', 'UpdateEndpoint', 'ep -> c2'),
    ],
    ['fields that only concatenate alike', false, w('ab', 'c', 'd'), w('a', 'bc', 'd')],
  ])('%s → same key: %s', (_, same, a, b) => {
    expect(writeKey(a) === writeKey(b)).toBe(same);
  });

  it('ignores the target: the guard keys a write by what AWS is asked to do', () => {
    expect(writeKey(writes.stopDeployment('d-1', '', ''))).toBe(writeKey(writes.stopDeployment('d-1', 'app', 'live')));
  });
});
