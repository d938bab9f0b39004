import { execFileSync } from 'node:child_process';
import { simulate } from '../../../functions/cli/simulate';

type Result = Awaited<ReturnType<typeof simulate>>;
const ops = (r: Result, operation: string) => r.actions.filter((a) => a.operation === operation);
const outcomes = (r: Result, kind: string) => r.decisions.filter((d) => d.kind === kind).map((d) => d.outcome);
const writes = (r: Result) => r.actions.map((a) => `${a.service}:${a.operation}`);

describe('simulate: rollback scenarios', () => {
  it('an alarm during a deployment freezes first, stops it once and rejects the live package, whatever the delivery path', async () => {
    const r = await simulate('test/scenarios/rollback-during-deployment.yml');
    expect(writes(r)).toEqual([
      'codepipeline:DisableStageTransition',
      'codedeploy:StopDeployment',
      'sagemaker:UpdateModelPackage',
    ]);
    expect(ops(r, 'StopDeployment')[0]?.input).toEqual({ deploymentId: 'd-AAAAAAAA2', autoRollbackEnabled: true });
    expect(ops(r, 'UpdateModelPackage')[0]?.input).toEqual(
      expect.objectContaining({
        ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4',
        ModelApprovalStatus: 'Rejected',
      }),
    );
    expect(outcomes(r, 'rollback.codedeploy')).toEqual([
      'STOPPED',
      'ALREADY_ROLLED_BACK',
      'ALREADY_ROLLED_BACK',
      'ALREADY_ROLLED_BACK',
    ]);
  });

  it('an alarm after the bake redeploys the earlier revision, and the freeze thaws after OK + cooldown', async () => {
    const r = await simulate('test/scenarios/rollback-after-bake.yml');
    expect(writes(r)).toEqual([
      'codepipeline:DisableStageTransition',
      'codedeploy:CreateDeployment',
      'sagemaker:UpdateModelPackage',
      'codepipeline:EnableStageTransition',
    ]);
    expect(ops(r, 'CreateDeployment')[0]?.input).toEqual(
      expect.objectContaining({
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content: expect.stringContaining('CurrentVersion: "4"\n        TargetVersion: "3"') },
        },
        description: expect.stringContaining('alarm churn-latency-p99'),
        overrideAlarmConfiguration: { enabled: false },
      }),
    );
    expect(ops(r, 'CreateDeployment')[0]?.input).not.toHaveProperty('deploymentConfigName');
    expect(ops(r, 'EnableStageTransition')[0]?.at).toBe('2026-11-22T11:00:00.000Z');
  });

  it('an endpoint returns to the last config seen InService and serves it from then on', async () => {
    const r = await simulate('test/scenarios/rollback-endpoint.yml');
    expect(writes(r)).toEqual([
      'codepipeline:DisableStageTransition',
      'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateModelPackage',
    ]);
    expect(ops(r, 'UpdateEndpoint')[0]?.input).toEqual({
      EndpointName: 'ranking-live',
      EndpointConfigName: 'ranking-v1',
      RetainAllVariantProperties: true,
    });
    expect(ops(r, 'UpdateModelPackage')[0]?.input).toEqual(
      expect.objectContaining({ ModelPackageArn: expect.stringMatching(/ranking-models\/2$/) }),
    );
    expect(outcomes(r, 'rollback.endpoint')).toEqual(['UPDATED', 'WAITING', 'WAITING', 'ALREADY_ROLLED_BACK']);
  });

  it('an endpoint already rolling back by itself is left alone; promotions are still frozen', async () => {
    const r = await simulate('test/scenarios/rollback-endpoint-self.yml');
    expect(writes(r)).toEqual(['codepipeline:DisableStageTransition']);
    expect(outcomes(r, 'rollback.endpoint')).toEqual(['WAITING', 'SETTLED']);
  });

  it('a storm of three alarms × ten concurrent copies rolls back and rejects once, and freezes once per alarm', async () => {
    const r = await simulate('test/scenarios/rollback-storm.yml');
    expect(writes(r)).toEqual([
      'codepipeline:DisableStageTransition',
      'codedeploy:StopDeployment',
      'sagemaker:UpdateModelPackage',
      'codepipeline:DisableStageTransition',
      'codepipeline:DisableStageTransition',
    ]);
    expect(outcomes(r, 'rollback.codedeploy').filter((o) => o === 'STOPPED')).toHaveLength(1);
    expect(outcomes(r, 'rollback.codedeploy')).toHaveLength(30);
  });

  it('a hook whose checks pass answers Succeeded once, however often it is invoked', async () => {
    const r = await simulate('test/scenarios/rollback-hook-pass.yml');
    expect(ops(r, 'PutLifecycleEventHookExecutionStatus').map((a) => a.input.status)).toEqual(['Succeeded']);
    expect(outcomes(r, 'rollback.hook')).toEqual(['SUCCEEDED', 'DUPLICATE']);
  });

  it('a hook whose check crashes still answers, Failed with the reason', async () => {
    const r = await simulate('test/scenarios/rollback-hook-crash.yml');
    expect(ops(r, 'PutLifecycleEventHookExecutionStatus').map((a) => a.input)).toEqual([
      { deploymentId: 'd-EEEEEEEE1', lifecycleEventHookExecutionId: 'after-allow-traffic-1', status: 'Failed' },
    ]);
    expect(r.decisions.find((d) => d.kind === 'rollback.hook')?.reasons[0]).toMatch(/smoke ERROR: crashed/);
  });

  it('a stage is retried twice, then left failed; a rejected approval is not retried', async () => {
    const r = await simulate('test/scenarios/rollback-stage-retry.yml');
    expect(ops(r, 'RetryStageExecution')).toHaveLength(2);
    expect(outcomes(r, 'rollback.stage-retry')).toEqual(['RETRIED', 'RETRIED', 'LEFT_FAILED', 'NOT_RETRIED']);
  });

  it('a drift alarm requests retraining once; the next sweeper tick starts it through the rule guards', async () => {
    const r = await simulate('test/scenarios/rollback-drift-retrain.yml');
    expect(ops(r, 'StartPipelineExecution').map((a) => [a.at, a.input.variables])).toEqual([
      [
        '2026-11-22T10:01:00.000Z',
        [
          { name: 'MANIFEST_URI', value: 'none' },
          { name: 'BATCH_ID', value: 'alarm-churn-feature-drift' },
        ],
      ],
    ]);
    // The duplicate delivery of the first ALARM finds its request; the second episode is a new one.
    expect(outcomes(r, 'rollback.retrain')).toEqual(['REQUESTED', 'DUPLICATE', 'REQUESTED']);
    const sweeps = r.decisions.filter((d) => d.kind.startsWith('retraining.'));
    expect(sweeps.map((d) => [d.at, d.kind, d.outcome])).toEqual([
      ['2026-11-22T10:01:00.000Z', 'retraining.start', 'STARTED'],
      ['2026-11-22T10:11:00.000Z', 'retraining.defer', 'DEFERRED'],
    ]);
    expect(sweeps[1]!.reasons.join('; ')).toMatch(/still running.*cooldown/);
  });

  it('the demo chapter acts once per incident', async () => {
    const r = await simulate('test/scenarios/demo-rollback.yml');
    expect(writes(r)).toEqual([
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      'codepipeline:DisableStageTransition', // churn-model-errors
      'codedeploy:StopDeployment',
      'sagemaker:UpdateModelPackage',
      'codepipeline:DisableStageTransition', // churn-latency-p99: its own episode
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      'codepipeline:DisableStageTransition',
      'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateModelPackage',
      'codepipeline:StartPipelineExecution',
      'codepipeline:RetryStageExecution',
      'codepipeline:RetryStageExecution',
      'codepipeline:EnableStageTransition',
    ]);
    expect(ops(r, 'PutLifecycleEventHookExecutionStatus').map((a) => a.input.status)).toEqual(['Succeeded', 'Failed']);
  });

  it('--json prints every rollback scenario as {actions, decisions}', () => {
    const files = [
      'rollback-during-deployment',
      'rollback-after-bake',
      'rollback-endpoint',
      'rollback-endpoint-self',
      'rollback-storm',
      'rollback-hook-pass',
      'rollback-hook-crash',
      'rollback-stage-retry',
    ].map((f) => `test/scenarios/${f}.yml`);
    const out = JSON.parse(
      execFileSync('node', ['functions/cli/bin.mjs', 'simulate', ...files, '--json'], { encoding: 'utf8' }),
    );
    expect(out).toHaveLength(8);
    for (const doc of out) {
      expect(Object.keys(doc)).toEqual(['scenario', 'actions', 'decisions']);
      for (const a of doc.actions)
        expect(Object.keys(a)).toEqual(expect.arrayContaining(['service', 'operation', 'input']));
      for (const d of doc.decisions)
        expect(Object.keys(d)).toEqual(expect.arrayContaining(['kind', 'subject', 'outcome', 'reasons']));
    }
  });
});
