import { validatePolicy } from '../../../functions/config/policy';
import { redecideActions, writeTargetOf } from '../../../functions/domain/whatif-actions';
import type { ActionRecord, Decision } from '../../../functions/ports/decision-log';
import { testController } from '../../support/policies';

const policy = (mode: 'observe' | 'enforce', controllerMode: 'observe' | 'enforce' = 'enforce') =>
  validatePolicy({
    version: 1,
    controller: { ...testController, mode: controllerMode },
    retraining: [
      {
        name: 'r',
        source: { bucket: 'b', prefix: 'p/' },
        target: { type: 'sagemaker', name: 'train' },
        trigger: { maxObjects: 1 },
        mode,
      },
    ],
  });

const start = (a: Partial<ActionRecord>): Decision => ({
  kind: 'retraining.start',
  subject: 'r/0',
  outcome: 'STARTED',
  reasons: ['guards clear'],
  inputs: {},
  at: '2026-11-22T08:00:00.000Z',
  actions: [{ service: 'sagemaker', operation: 'StartPipelineExecution', target: 'train', status: 'taken', ...a }],
});

describe('redecideActions', () => {
  it.each<[string, Partial<ActionRecord>, ReturnType<typeof policy>, string | undefined]>([
    ['a write taken stays taken under the same modes', {}, policy('enforce'), undefined],
    [
      'a rule put in observe withholds the write it took',
      {},
      policy('observe'),
      'withheld observe (retraining[0].mode)',
    ],
    [
      'the global observe mode withholds it too',
      {},
      policy('enforce', 'observe'),
      'withheld observe (controller.mode)',
    ],
    [
      'enforce takes the write observe mode withheld',
      { status: 'withheld', why: 'observe (retraining[0].mode)' },
      policy('enforce'),
      'taken undefined',
    ],
    [
      'a write the kill switch withheld stays withheld',
      { status: 'withheld', why: 'paused by alice: incident 42' },
      policy('enforce'),
      undefined,
    ],
  ])('%s', (_name, action, p, after) => {
    const r = redecideActions(start(action), p);
    expect(r && `${r.after[0]!.status} ${r.after[0]!.why}`).toBe(after);
  });

  it('says a write observe mode withheld was never held to the kill switch', () => {
    expect(
      redecideActions(start({ status: 'withheld', why: 'observe (retraining[0].mode)' }), policy('enforce'))?.reasons,
    ).toEqual([
      'would take sagemaker StartPipelineExecution train (withheld then: observe (retraining[0].mode)), unless the kill switch was paused then: observe mode withheld it before the switch was read',
    ]);
  });

  it.each<[string, string, string, object | undefined]>([
    ['codedeploy', 'StopDeployment', 'd-1', { kind: 'deploymentGroup', application: 'app', group: 'live' }],
    ['sagemaker', 'UpdateEndpoint', 'ep -> cfg-1', { kind: 'endpoint', name: 'ep' }],
    ['codepipeline', 'PutApprovalResult', 'p/s/a', { kind: 'approval', pipeline: 'p', stage: 's', action: 'a' }],
    ['codepipeline', 'RetryStageExecution', 'p/Deploy', { kind: 'stageRetry', pipeline: 'p', stage: 'Deploy' }],
    ['sfn', 'StartExecution', 'machine', { kind: 'pipeline', type: 'stepfunctions', name: 'machine' }],
    ['controller', 'More', '+2 more', undefined],
  ])('names the resource %s %s wrote as the modes judge it', (service, operation, target, expected) => {
    expect(
      writeTargetOf({ subject: 'b/codedeploy:app/live' }, { service, operation, target, status: 'taken' }),
    ).toEqual(expected);
  });
});
