/**
 * An alarm's response as steps (freeze, stop/redeploy, endpoint, reject), each done once per alarm
 * episode and resumed on its own by the retried delivery: issue 12, defect 3.
 */
import { MemoryDeployments } from '../../../../functions/adapters/memory/deployments';
import { MemoryNotifier } from '../../../../functions/adapters/memory/notifier';
import { MemoryPackageStatus } from '../../../../functions/adapters/memory/package-status';
import { AwsCallError, ControllerError } from '../../../../functions/domain/errors';
import { alarmFired } from '../../../../functions/handlers/alarm-fired';
import type { Deployments } from '../../../../functions/ports/deployments';
import type { PackageStatus } from '../../../../functions/ports/package-status';
import { Guardrails } from '../../../../functions/guardrails';
import { RollbackWorkflow, type RollbackDeps } from '../../../../functions/workflows/rollback';
import { asCloudWatchHolds, sentAt } from '../../../support/cloudwatch-alarms';
import { loadFixture } from '../../../support/fixtures';
import { P3, P4, rollbackHarness, rollbackPolicy } from '../../../support/rollback-harness';

const single = () => sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'));
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:decisions';

/** UpdateModelPackage fails `times` times with `error`, then goes through. */
function failingReject(h: ReturnType<typeof rollbackHarness>, error: () => Error, times = 1): PackageStatus {
  const real = new MemoryPackageStatus(h.world);
  let left = times;
  return {
    approval: (arn) => real.approval(arn),
    reject: async (arn, reason) => {
      if (left-- > 0) throw error();
      return real.reject(arn, reason);
    },
  };
}

const throttled = () => new AwsCallError('sagemaker', 'UpdateModelPackage', new Error('ThrottlingException'));

/** The harness's workflow on other ports, guarded with a decision topic so notifications are journaled. */
function workflow(h: ReturnType<typeof rollbackHarness>, ports: Partial<RollbackDeps>, policy = rollbackPolicy()) {
  policy.controller.decisions.topicArn = TOPIC;
  const base = (h.rollback as unknown as { deps: RollbackDeps }).deps;
  const guardrails = new Guardrails({
    policy,
    killSwitch: h.killSwitch,
    notifier: new MemoryNotifier(h.world),
    logger: h.logger,
    clock: h.clock,
  });
  const wf = new RollbackWorkflow(guardrails.guardWrites({ ...base, policy, ...ports }));
  return asCloudWatchHolds(h.world, alarmFired(wf, h.logger, h.clock.now));
}

const published = (h: ReturnType<typeof rollbackHarness>) =>
  h.ops('Publish').map((a) => (a.input as { Subject: string }).Subject);

describe('an alarm response that fails partway resumes its other steps', () => {
  it('the stop succeeded and rejecting threw: the retry rejects the package and the freeze stands, each once', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const handle = workflow(h, { packages: failingReject(h, throttled) });
    await expect(handle(single())).rejects.toThrow(/UpdateModelPackage failed/);
    // Freeze first: it does not wait for the step that failed.
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.kinds('rollback.step')).toEqual([
      expect.objectContaining({
        subject: 'churn-live/reject',
        outcome: 'FAILED',
        reasons: [
          expect.stringMatching(/^alarm ServerCpuTooHigh in ALARM since /),
          expect.stringMatching(
            /step reject failed: sagemaker\.UpdateModelPackage failed: ThrottlingException; the delivery is retried/,
          ),
        ],
      }),
    ]);
    expect(published(h)).toContain('mlops-controller rollback.step FAILED');
    // The retry: CodeDeploy's own rollback is now the latest deployment, so the plan is "nothing to
    // roll back"; what the stop found is kept with the alarm episode.
    await handle(single());
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage').map((a) => a.input)).toEqual([
      expect.objectContaining({ ModelPackageArn: P4, ModelApprovalStatus: 'Rejected' }),
    ]);
    expect(h.state.packages.get(P4)).toBe('Rejected');
    expect(h.state.packages.get(P3)).toBe('Approved');
    expect(h.kinds('rollback.package').filter((d) => d.outcome === 'REJECTED')).toHaveLength(1);
    expect(h.kinds('rollback.freeze').filter((d) => d.outcome === 'FROZEN')).toHaveLength(1);
  });

  it('a permanent reject failure is one FAILED step, notified, not retried, and does not undo the freeze', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const permanent = () =>
      new ControllerError('model package is in a state UpdateModelPackage refuses', { retryable: false });
    const handle = workflow(h, { packages: failingReject(h, permanent) });
    await handle(single());
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage')).toEqual([]);
    expect(h.kinds('rollback.step')).toEqual([
      expect.objectContaining({
        subject: 'churn-live/reject',
        outcome: 'FAILED',
        reasons: [expect.any(String), expect.stringMatching(/it is permanent and not retried/)],
        inputs: expect.objectContaining({ step: 'reject', retryable: false }),
      }),
    ]);
    expect(published(h)).toContain('mlops-controller rollback.step FAILED');
    expect((await h.store.freezes()).map((f) => `${f.pipeline}/${f.stage}`)).toEqual(['churn-deploy/Production']);
  });

  it('a failing stop does not skip the freeze or the rejection; the retry stops once', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const real = new MemoryDeployments(h.world);
    let failures = 1;
    const flaky: Deployments = Object.assign(Object.create(real) as MemoryDeployments, {
      stop: async (id: string) => {
        if (failures-- > 0) throw new AwsCallError('codedeploy', 'StopDeployment', new Error('ThrottlingException'));
        return real.stop(id);
      },
    });
    const handle = workflow(h, { deployments: flaky });
    await expect(handle(single())).rejects.toThrow(/StopDeployment failed/);
    expect(
      h
        .ops()
        .filter((a) => a.operation !== 'Publish')
        .map((a) => a.operation),
    ).toEqual(['DisableStageTransition', 'UpdateModelPackage']);
    await handle(single());
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage')).toHaveLength(1);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
  });

  it('an endpoint whose update rollback failed is a FAILED endpoint decision, and the package is still rejected and promotions frozen', async () => {
    const policy = rollbackPolicy({
      rollback: [
        {
          name: 'endpoint-live',
          alarms: { names: ['ServerCpuTooHigh'] },
          endpoint: { name: 'churn-endpoint' },
          modelPackageGroup: 'churn-models',
          freeze: { pipeline: 'churn-deploy', stage: 'Production' },
        },
      ],
    });
    const h = rollbackHarness(policy);
    h.state.packages.set(P4, 'Approved');
    h.state.endpoints.set('churn-endpoint', {
      name: 'churn-endpoint',
      status: 'UpdateRollbackFailed',
      config: 'cfg-4',
    });
    h.state.configPackages.set('cfg-4', P4);
    const handle = workflow(h, {}, policy);
    await handle(single());
    expect(h.kinds('rollback.endpoint')).toEqual([expect.objectContaining({ outcome: 'FAILED' })]);
    expect(h.ops('UpdateEndpoint')).toEqual([]);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage').map((a) => a.input)).toEqual([expect.objectContaining({ ModelPackageArn: P4 })]);
  });
});

describe('every step of an alarm episode happens once, however it is delivered', () => {
  it('two concurrent deliveries: one freeze, one stop, one rejection', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const handle = workflow(h, {});
    const event = single();
    await Promise.all([handle(structuredClone(event)), handle(structuredClone(event))]);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage')).toHaveLength(1);
    await handle(structuredClone(event));
    expect(h.ops().filter((a) => a.operation !== 'Publish')).toHaveLength(3);
  });

  it('a delivery that dies between the freeze and the stop: the next one stops and rejects, the freeze is not repeated', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const real = new MemoryDeployments(h.world);
    let dead = true;
    const dies: Deployments = Object.assign(Object.create(real) as MemoryDeployments, {
      // The Lambda is killed here (a timeout): this delivery never goes on.
      recent: (...args: Parameters<Deployments['recent']>) =>
        dead ? new Promise(() => undefined) : real.recent(...args),
    });
    const handle = workflow(h, { deployments: dies });
    void handle(single());
    // Bounded wait keyed to state: the first delivery froze, then hung reading the deployments.
    for (let i = 0; i < 100 && h.ops('DisableStageTransition').length === 0; i++) await new Promise(setImmediate);
    expect(h.ops().map((a) => a.operation)).toEqual(['DisableStageTransition', 'Publish']);
    dead = false;
    await handle(single());
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    expect(h.ops('StopDeployment')).toHaveLength(1);
    expect(h.ops('UpdateModelPackage')).toHaveLength(1);
  });
});

describe('a binding naming its model package group by ARN', () => {
  it('rejects the live package of that group, as when it names the group', async () => {
    const policy = rollbackPolicy();
    policy.rollback[0]!.modelPackageGroup = 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models';
    const h = rollbackHarness(policy);
    h.seedGroup('InProgress');
    await asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now))(single());
    expect(h.ops('UpdateModelPackage').map((a) => a.input)).toEqual([
      expect.objectContaining({ ModelPackageArn: P4, ModelApprovalStatus: 'Rejected' }),
    ]);
    expect(h.kinds('rollback.package').map((d) => d.outcome)).toEqual(['REJECTED']);
  });
});

describe('a stage frozen by two alarm episodes', () => {
  it('thaws by itself only once both alarms have been OK for the cooldown', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const handle = asCloudWatchHolds(h.world, alarmFired(h.rollback, h.logger, h.clock.now));
    const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event' };
    await handle(sentAt(loadFixture('cloudwatch-alarm-state-change.metric-math'))); // TotalNetworkTrafficTooHigh
    await handle(single()); // ServerCpuTooHigh
    expect(h.ops('DisableStageTransition')).toHaveLength(2);
    expect((await h.store.freezes())[0]?.alarms).toEqual(['TotalNetworkTrafficTooHigh', 'ServerCpuTooHigh']);
    h.clock.advance(60);
    const ok = single();
    ok.detail.state.value = 'OK';
    ok.detail.state.timestamp = h.clock.now().toISOString();
    await handle(ok);
    h.clock.advance(601);
    await handle(tick);
    expect(h.ops('EnableStageTransition')).toEqual([]);
  });
});
