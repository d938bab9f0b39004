import { alarmFired } from '../../../functions/handlers/alarm-fired';
import { AwsCallError, EndpointConfigMissingError } from '../../../functions/domain/errors';
import { MemoryEndpoints } from '../../../functions/adapters/memory/endpoints';
import { MemoryDeployments } from '../../../functions/adapters/memory/deployments';
import { direct, viaSns } from '../../support/alarm-deliveries';
import { asCloudWatchHolds, sentAt } from '../../support/cloudwatch-alarms';
import { loadFixture } from '../../support/fixtures';
import { lambdaRevision, P4, rollbackHarness, rollbackPolicy } from '../../support/rollback-harness';
import { Guardrails } from '../../../functions/guardrails';

const single = () => sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'));
const metricMath = () => sentAt(loadFixture('cloudwatch-alarm-state-change.metric-math'));
const composite = () => sentAt(loadFixture('cloudwatch-alarm-state-change.composite-with-suppressor'));
describe('alarmFired', () => {
  it('50 concurrent deliveries of three alarms bound to one group roll it back and reject once, and freeze once per alarm', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const handle = asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now));
    const events = Array.from({ length: 50 }, (_, i) => {
      const e = [single, metricMath, composite][i % 3]!();
      return [e, direct(e), viaSns(e)][Math.floor(i / 3) % 3];
    });
    await Promise.all(events.map((e) => handle(e)));
    expect(h.ops('StopDeployment')).toEqual([
      expect.objectContaining({ input: { deploymentId: 'd-2', autoRollbackEnabled: true } }),
    ]);
    expect(h.ops('UpdateModelPackage')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({ ModelPackageArn: P4, ModelApprovalStatus: 'Rejected' }),
      }),
    ]);
    expect(h.ops('DisableStageTransition').map((a) => (a.input as { reason: string }).reason)).toEqual([
      expect.stringContaining('ServerCpuTooHigh'),
      expect.stringContaining('TotalNetworkTrafficTooHigh'),
      expect.stringContaining('ServiceAggregatedAlarm'),
    ]);
    expect(h.ops()).toHaveLength(5);
    expect(h.kinds('rollback.codedeploy').filter((d) => d.outcome === 'STOPPED')).toHaveLength(1);
  });

  it('after the bake it redeploys the earlier revision with the group settings and names the alarm', async () => {
    const h = rollbackHarness();
    h.seedGroup('Succeeded');
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(single());
    const [create] = h.ops('CreateDeployment');
    expect(create?.input).toEqual({
      applicationName: 'churn-app',
      deploymentGroupName: 'churn-live',
      // Lambda: the alias serves 4 now, so the AppSpec shifts it from 4 back to 3.
      revision: lambdaRevision('4', '3'),
      description: expect.stringMatching(
        /^mlops-controller rollback: alarm ServerCpuTooHigh in ALARM since .*replaces d-2 with the revision of d-1$/,
      ),
      overrideAlarmConfiguration: { enabled: false },
    });
    // The redeployment is a rollback: the same alarm again does not roll back further.
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(single());
    expect(h.ops('CreateDeployment')).toHaveLength(1);
    expect(h.kinds('rollback.codedeploy').at(-1)).toEqual(
      expect.objectContaining({
        outcome: 'ALREADY_ROLLED_BACK',
        reasons: [expect.any(String), 'an earlier delivery of this alarm episode acted on d-2', expect.any(String)],
      }),
    );
    // A new episode of the alarm finds the rollback and nothing to roll back.
    h.clock.advance(600);
    const later = single();
    later.detail.state.timestamp = h.clock.now().toISOString();
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(later);
    expect(h.ops('CreateDeployment')).toHaveLength(1);
    expect(h.kinds('rollback.codedeploy').at(-1)?.outcome).toBe('NOTHING_TO_ROLL_BACK');
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('records a transition to %s and acts on nothing', async (state) => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const e = single();
    e.detail.state.value = state;
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(e);
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.alarm')).toEqual([expect.objectContaining({ outcome: state })]);
  });

  it('an ALARM delivered later than staleAfterSeconds is recorded STALE and acts on nothing', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const handle = asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now));
    h.clock.advance(3_601); // the default limit is an hour; the alarm is still in ALARM
    await handle(single());
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.alarm')).toEqual([
      expect.objectContaining({
        subject: 'churn-live/alarm/ServerCpuTooHigh',
        outcome: 'STALE',
        reasons: [expect.stringMatching(/delivered 3601 s after the alarm entered ALARM, over staleAfterSeconds 3600/)],
      }),
    ]);
    h.clock.advance(-1);
    await handle(single());
    expect(h.ops('StopDeployment')).toHaveLength(1);
  });

  it.each([
    ['is OK again', 'OK'],
    ['was deleted', undefined],
  ])('an ALARM whose alarm %s now is recorded STALE and acts on nothing', async (_, now) => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    if (now) h.state.alarms.set('ServerCpuTooHigh', { state: now, arn: 'arn', tags: {} });
    await alarmFired(h.rollback, h.logger, h.clock.now)(single());
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.alarm')).toEqual([
      expect.objectContaining({
        outcome: 'STALE',
        reasons: [expect.stringMatching(now ? /is OK now, not ALARM/ : /is unknown to CloudWatch now, not ALARM/)],
      }),
    ]);
  });

  it.each([
    [
      'an alarm no binding selects',
      () => Object.assign(single(), { detail: { ...single().detail, alarmName: 'Unrelated' } }),
      /no rollback binding selects alarm Unrelated/,
    ],
    [
      'an alarm from another account',
      () => Object.assign(single(), { account: '999999999999' }),
      /account 999999999999/,
    ],
    ['an S3 event', () => loadFixture('s3-object-created.eventbridge'), /not a CloudWatch alarm/],
  ])('ignores %s with a recorded reason and no action', async (_what, event, reason) => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(event());
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.ignore')).toEqual([
      expect.objectContaining({ outcome: 'IGNORED', reasons: [expect.stringMatching(reason)] }),
    ]);
  });

  it('selects a binding by the alarm tags, read from CloudWatch', async () => {
    const h = rollbackHarness();
    const e = single();
    e.detail.alarmName = 'ranking-p99';
    e.resources = ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ranking-p99'];
    h.state.alarms.set('ranking-p99', { state: 'ALARM', arn: e.resources[0], tags: { model: 'ranking' } });
    h.state.endpoints.set('MyEndpoint', { name: 'MyEndpoint', status: 'InService', config: 'c2' });
    h.state.configPackages.set('c1', undefined).set('c2', undefined);
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await h.store.recordInService('MyEndpoint', { config: 'c2', at: h.ago(60) });
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(e);
    expect(h.ops('UpdateEndpoint')).toEqual([
      expect.objectContaining({
        input: { EndpointName: 'MyEndpoint', EndpointConfigName: 'c1', RetainAllVariantProperties: true },
      }),
    ]);
  });

  /** The tagged binding's endpoint MyEndpoint serving c2 (seen InService after c1), in `status`. */
  const endpointAlarm = (status: string) => {
    const h = rollbackHarness();
    const e = single();
    e.detail.alarmName = 'ranking-p99';
    e.resources = ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ranking-p99'];
    h.state.alarms.set('ranking-p99', { state: 'ALARM', arn: e.resources[0], tags: { model: 'ranking' } });
    h.state.endpoints.set('MyEndpoint', { name: 'MyEndpoint', status, config: 'c2' });
    h.state.configPackages.set('c1', undefined).set('c2', undefined);
    return { h, e, handle: asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now)) };
  };
  const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

  it('waits out SystemUpdating maintenance and rolls back on the tick once InService and still alarming', async () => {
    const { h, e, handle } = endpointAlarm('SystemUpdating');
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await h.store.recordInService('MyEndpoint', { config: 'c2', at: h.ago(60) });
    await handle(e);
    expect(h.ops('UpdateEndpoint')).toEqual([]);
    expect(h.kinds('rollback.endpoint').map((d) => d.outcome)).toEqual(['WAITING']);
    await handle(tick);
    expect(h.ops('UpdateEndpoint')).toEqual([]);
    h.state.endpoints.get('MyEndpoint')!.status = 'InService';
    await handle(tick);
    expect(h.ops('UpdateEndpoint')).toEqual([
      expect.objectContaining({ input: expect.objectContaining({ EndpointConfigName: 'c1' }) }),
    ]);
  });

  it('an UpdateRollbackFailed endpoint is one FAILED decision saying a person must act, never a wait', async () => {
    const { h, e, handle } = endpointAlarm('UpdateRollbackFailed');
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await handle(e);
    await handle(tick);
    expect(h.ops()).toEqual([]);
    expect(await h.store.pendingRechecks()).toEqual([]);
    expect(h.kinds('rollback.endpoint')).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        reasons: [expect.any(String), expect.stringMatching(/UpdateRollbackFailed.*a person must repair it/)],
      }),
    ]);
  });

  it('a re-check that finds the update rolled back and failed records FAILED and stops re-checking', async () => {
    const { h, e, handle } = endpointAlarm('Updating');
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await handle(e);
    expect(await h.store.pendingRechecks()).toHaveLength(1);
    h.state.endpoints.get('MyEndpoint')!.status = 'UpdateRollbackFailed';
    await handle(tick);
    await handle(tick);
    expect(h.ops()).toEqual([]);
    expect(await h.store.pendingRechecks()).toEqual([]);
    expect(h.kinds('rollback.endpoint').map((d) => d.outcome)).toEqual(['WAITING', 'FAILED']);
  });

  it('a last-good config that was deleted is one FAILED decision naming it, no UpdateEndpoint, no retry', async () => {
    const { h, e, handle } = endpointAlarm('InService');
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await h.store.recordInService('MyEndpoint', { config: 'c2', at: h.ago(60) });
    h.state.configPackages.delete('c1');
    await handle(e);
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.endpoint')).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        reasons: [expect.any(String), expect.stringMatching(/c1.*no longer exists.*person/)],
      }),
    ]);
  });

  it('a config deleted between the check and UpdateEndpoint still ends in FAILED, not a retried delivery', async () => {
    const { h, e } = endpointAlarm('InService');
    await h.store.recordInService('MyEndpoint', { config: 'c1', at: h.ago(600) });
    await h.store.recordInService('MyEndpoint', { config: 'c2', at: h.ago(60) });
    const real = new MemoryEndpoints(h.world);
    const racing = Object.assign(Object.create(real), {
      configExists: async () => true,
      update: async () => {
        throw new EndpointConfigMissingError('c1', new Error("Could not find endpoint configuration 'c1'."));
      },
    });
    const { RollbackWorkflow } = await import('../../../functions/workflows/rollback');
    const wf = new RollbackWorkflow({ ...(h.rollback as any).deps, endpoints: racing });
    await alarmFired(wf, h.logger, h.clock.now)(e);
    expect(h.kinds('rollback.endpoint').at(-1)).toEqual(
      expect.objectContaining({ outcome: 'FAILED', reasons: [expect.any(String), expect.stringMatching(/c1/)] }),
    );
  });

  it('in observe mode decides and records but calls nothing', async () => {
    const policy = rollbackPolicy();
    policy.rollback[0]!.mode = 'observe';
    const h = rollbackHarness(policy);
    h.seedGroup('InProgress');
    const { RollbackWorkflow } = await import('../../../functions/workflows/rollback');
    const guardrails = new Guardrails({ policy, killSwitch: h.killSwitch, logger: h.logger, clock: h.clock });
    const wf = new RollbackWorkflow(guardrails.guardWrites((h.rollback as any).deps));
    await asCloudWatchHolds(h.world, alarmFired(wf, h.logger, h.clock.now))(single());
    expect(h.ops()).toEqual([]);
    expect(h.kinds('rollback.codedeploy')).toEqual([
      expect.objectContaining({
        actions: [
          expect.objectContaining({
            operation: 'StopDeployment',
            status: 'withheld',
            why: 'observe (rollback[0].mode)',
          }),
        ],
      }),
    ]);
  });

  it('a failing AWS call surfaces and frees the claim, so the retried delivery rolls back', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const real = new MemoryDeployments(h.world);
    let failures = 1;
    const flaky = Object.assign(Object.create(real), {
      stop: async (id: string) => {
        if (failures-- > 0) throw new AwsCallError('codedeploy', 'StopDeployment', new Error('ThrottlingException'));
        return real.stop(id);
      },
    });
    const { RollbackWorkflow } = await import('../../../functions/workflows/rollback');
    const wf = new RollbackWorkflow({ ...(h.rollback as any).deps, deployments: flaky });
    const handle = asCloudWatchHolds(h.world, alarmFired(wf, h.logger, h.clock.now));
    await expect(handle(single())).rejects.toThrow(/StopDeployment failed/);
    expect(h.ops('StopDeployment')).toEqual([]);
    await handle(single());
    expect(h.ops('StopDeployment')).toHaveLength(1);
  });

  it('a deployment that Succeeded between the listing and the stop is not counted as stopped: the retried delivery redeploys', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const real = new MemoryDeployments(h.world);
    let finishAfterListing = true;
    const racing = Object.assign(Object.create(real), {
      recent: async (...args: Parameters<MemoryDeployments['recent']>) => {
        const listed = await real.recent(...args);
        // CodeDeploy finishes d-2's bake after ListDeployments saw it InProgress.
        if (finishAfterListing) {
          h.state.deployments.find((d) => d.id === 'd-2')!.status = 'Succeeded';
          h.state.aliases.set('churn-predict:live', '4');
        }
        finishAfterListing = false;
        return listed;
      },
    });
    const { RollbackWorkflow } = await import('../../../functions/workflows/rollback');
    const wf = new RollbackWorkflow({ ...(h.rollback as any).deps, deployments: racing });
    const handle = asCloudWatchHolds(h.world, alarmFired(wf, h.logger, h.clock.now));
    await expect(handle(single())).rejects.toThrow(/d-2 Succeeded before it could be stopped/);
    // The write-ahead record is rewritten: its StopDeployment failed, nothing was stopped.
    expect(h.kinds('rollback.codedeploy').map((d) => [d.outcome, d.actions?.map((a) => a.status)])).toEqual([
      ['FAILED', ['failed']],
    ]);
    await handle(single());
    expect(h.ops('CreateDeployment')).toEqual([
      expect.objectContaining({ input: expect.objectContaining({ revision: lambdaRevision('4', '3') }) }),
    ]);
    expect(h.kinds('rollback.codedeploy').at(-1)?.outcome).toBe('REDEPLOYED');
  });

  it('lifts an auto-unfreeze freeze on the tick only after every alarm was OK for the cooldown', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    h.state.alarms.set('ServerCpuTooHigh', { state: 'ALARM', arn: 'arn', tags: {} });
    const handle = asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now));
    const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event' };
    await handle(single());
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    h.clock.advance(60);
    h.state.alarms.get('ServerCpuTooHigh')!.state = 'OK';
    const ok = single();
    ok.detail.state.value = 'OK';
    ok.detail.state.timestamp = h.clock.now().toISOString();
    await handle(ok);
    h.clock.advance(599);
    await handle(tick);
    expect(h.ops('EnableStageTransition')).toEqual([]);
    h.clock.advance(2);
    await handle(tick);
    expect(h.ops('EnableStageTransition')).toEqual([
      expect.objectContaining({
        input: { pipelineName: 'churn-deploy', stageName: 'Production', transitionType: 'Inbound' },
      }),
    ]);
    expect(h.kinds('rollback.unfreeze')).toHaveLength(1);
  });
});
