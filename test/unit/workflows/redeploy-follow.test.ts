/**
 * The redeploy after the bake on the memory backend, per compute platform, and its follow-up on
 * the rollback tick: what CreateDeployment receives, what is refused, what is recorded and who hears.
 */
import { MemoryDeployments } from '../../../functions/adapters/memory/deployments';
import { MemoryNotifier } from '../../../functions/adapters/memory/notifier';
import { AwsCallError } from '../../../functions/domain/errors';
import { alarmFired } from '../../../functions/handlers/alarm-fired';
import { Guardrails } from '../../../functions/guardrails';
import { RollbackWorkflow, type RollbackDeps } from '../../../functions/workflows/rollback';
import { asCloudWatchHolds, sentAt } from '../../support/cloudwatch-alarms';
import { loadFixture } from '../../support/fixtures';
import { lambdaRevision, P4, rollbackHarness, rollbackPolicy } from '../../support/rollback-harness';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mlops-decisions';
const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/churn-serve:7';
const single = () => sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'));
const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

/** The harness with its decisions explained and noteworthy ones notified on SNS, as the Lambda runs it. */
function guarded(change: (deps: RollbackDeps) => RollbackDeps = (d) => d) {
  const policy = rollbackPolicy();
  policy.controller.decisions.topicArn = TOPIC;
  const h = rollbackHarness(policy);
  const guardrails = new Guardrails({
    policy,
    killSwitch: h.killSwitch,
    notifier: new MemoryNotifier(h.world),
    logger: h.logger,
    clock: h.clock,
  });
  const deps = (h.rollback as unknown as { deps: RollbackDeps }).deps;
  const workflow = new RollbackWorkflow(guardrails.guardWrites(change(deps)));
  const handle = asCloudWatchHolds(h.world, alarmFired(workflow, h.logger, h.clock.now));
  const notices = () =>
    h.world.actions.filter((a) => a.operation === 'Publish').map((a) => (a.input as { Subject: string }).Subject);
  return { h, handle, notices };
}

/** Replaces the churn-live group's two revisions (good d-1, bad d-2) and their platform. */
function reseed(h: ReturnType<typeof rollbackHarness>, platform: string, good: unknown, bad: unknown) {
  const [d1, d2] = h.state.deployments as [(typeof h.state.deployments)[0], (typeof h.state.deployments)[0]];
  Object.assign(d1, { computePlatform: platform, revision: good });
  Object.assign(d2, { computePlatform: platform, revision: bad });
}

const s3 = (key: string, pin: Record<string, string>) => ({
  revisionType: 'S3',
  s3Location: { bucket: 'acme-deploy', key, bundleType: 'zip', ...pin },
});
const ecsSpec = (taskDefinition: string) => ({
  revisionType: 'AppSpecContent',
  appSpecContent: {
    content: JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: taskDefinition,
              LoadBalancerInfo: { ContainerName: 'churn', ContainerPort: 8080 },
            },
          },
        },
      ],
    }),
  },
});

describe('redeploy after the bake, per compute platform', () => {
  it('Lambda: the new AppSpec shifts from the alias\u2019s live version back to the good TargetVersion', async () => {
    const { h, handle } = guarded();
    h.seedGroup('Succeeded');
    h.state.aliases.set('churn-predict:live', '4');
    await handle(single());
    const [create] = h.ops('CreateDeployment');
    // The good deployment's own AppSpec said CurrentVersion 2: resubmitted verbatim, CodeDeploy fails it.
    expect((create?.input as { revision: unknown }).revision).toEqual(lambdaRevision('4', '3'));
    expect(h.kinds('rollback.codedeploy').map((d) => d.outcome)).toEqual(['REDEPLOYED']);
  });

  it('turns alarm polling off for every redeployment it creates', async () => {
    const { h, handle } = guarded();
    h.seedGroup('Succeeded');
    await handle(single());
    expect(
      h.ops('CreateDeployment').map((a) => (a.input as Record<string, unknown>).overrideAlarmConfiguration),
    ).toEqual([{ enabled: false }]);
  });

  it('Lambda: an alias already back on the good version is nothing to roll back, and nothing is created', async () => {
    const { h, handle } = guarded();
    h.seedGroup('Succeeded');
    h.state.aliases.set('churn-predict:live', '3');
    await handle(single());
    expect(h.ops('CreateDeployment')).toEqual([]);
    expect(h.kinds('rollback.codedeploy')).toEqual([
      expect.objectContaining({
        outcome: 'NOTHING_TO_ROLL_BACK',
        reasons: expect.arrayContaining([expect.stringMatching(/already serves version 3/)]),
      }),
    ]);
  });

  it('Server: an S3 revision without version or eTag is refused as FAILED, notified, and not created', async () => {
    const { h, handle, notices } = guarded();
    h.seedGroup('Succeeded');
    reseed(h, 'Server', s3('churn/app.zip', {}), s3('churn/app.zip', { version: 'v-4' }));
    await handle(single());
    expect(h.ops('CreateDeployment')).toEqual([]);
    expect(h.kinds('rollback.codedeploy')).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        reasons: expect.arrayContaining([expect.stringMatching(/neither an S3 object version nor an ETag.*by hand/)]),
      }),
    ]);
    expect(notices()).toContain('mlops-controller rollback.codedeploy FAILED');
    // The rollback failed; the bad package is still rejected and promotions frozen for a person.
    expect(h.ops('UpdateModelPackage')).toHaveLength(1);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    // A second delivery of the same alarm neither retries nor notifies again.
    await handle(single());
    expect(h.kinds('rollback.codedeploy').filter((d) => d.outcome === 'FAILED')).toHaveLength(1);
  });

  it('Server: a pinned S3 revision is resubmitted as it was', async () => {
    const { h, handle } = guarded();
    h.seedGroup('Succeeded');
    const good = s3('churn/app.zip', { version: 'v-3' });
    reseed(h, 'Server', good, s3('churn/app.zip', { version: 'v-4' }));
    await handle(single());
    expect(h.ops('CreateDeployment').map((a) => (a.input as { revision: unknown }).revision)).toEqual([good]);
  });

  it('ECS: a task definition no longer ACTIVE is refused as FAILED; an ACTIVE one is resubmitted', async () => {
    const inactive = guarded();
    inactive.h.seedGroup('Succeeded');
    reseed(inactive.h, 'ECS', ecsSpec(TASK_DEF), ecsSpec(TASK_DEF.replace(':7', ':8')));
    inactive.h.state.taskDefinitions.set(TASK_DEF, 'INACTIVE');
    await inactive.handle(single());
    expect(inactive.h.ops('CreateDeployment')).toEqual([]);
    expect(inactive.h.kinds('rollback.codedeploy')).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        reasons: expect.arrayContaining([expect.stringMatching(/INACTIVE, not ACTIVE/)]),
      }),
    ]);

    const active = guarded();
    active.h.seedGroup('Succeeded');
    reseed(active.h, 'ECS', ecsSpec(TASK_DEF), ecsSpec(TASK_DEF.replace(':7', ':8')));
    active.h.state.taskDefinitions.set(TASK_DEF, 'ACTIVE');
    await active.handle(single());
    expect(active.h.ops('CreateDeployment').map((a) => (a.input as { revision: unknown }).revision)).toEqual([
      ecsSpec(TASK_DEF),
    ]);
  });
});

describe('the redeployment is followed to its end on the rollback tick', () => {
  const redeployment = (h: ReturnType<typeof rollbackHarness>) =>
    h.state.deployments.find((d) => d.description?.startsWith('mlops-controller rollback'))!;

  it('records SUCCEEDED once CodeDeploy reports it Succeeded, and only once', async () => {
    const { h, handle, notices } = guarded();
    h.seedGroup('Succeeded');
    await handle(single());
    await handle(tick);
    expect(h.kinds('rollback.codedeploy').map((d) => d.outcome)).toEqual(['REDEPLOYED']);
    redeployment(h).status = 'Succeeded';
    await handle(tick);
    await handle(tick);
    const outcomes = h.kinds('rollback.codedeploy');
    expect(outcomes.map((d) => d.outcome)).toEqual(['REDEPLOYED', 'SUCCEEDED']);
    expect(outcomes[1]).toMatchObject({
      subject: 'churn-live/codedeploy:churn-app/churn-live',
      inputs: { deployment: redeployment(h).id, status: 'Succeeded', platform: 'Lambda', bad: 'd-2', good: 'd-1' },
    });
    expect(notices()).not.toContain('mlops-controller rollback.codedeploy SUCCEEDED');
  });

  it('records FAILED with CodeDeploy\u2019s error and notifies a person', async () => {
    const { h, handle, notices } = guarded();
    h.seedGroup('Succeeded');
    await handle(single());
    Object.assign(redeployment(h), { status: 'Failed', error: 'HEALTH_CONSTRAINTS: the hook failed' });
    await handle(tick);
    expect(h.kinds('rollback.codedeploy').at(-1)).toMatchObject({
      outcome: 'FAILED',
      reasons: [expect.stringContaining('alarm ServerCpuTooHigh'), expect.stringContaining('HEALTH_CONSTRAINTS')],
    });
    expect(notices()).toContain('mlops-controller rollback.codedeploy FAILED');
  });

  it('records FAILED for a redeployment still not finished after a day', async () => {
    const { h, handle } = guarded();
    h.seedGroup('Succeeded');
    await handle(single());
    h.clock.advance(23 * 3600);
    await handle(tick);
    expect(h.kinds('rollback.codedeploy').map((d) => d.outcome)).toEqual(['REDEPLOYED']);
    h.clock.advance(3600);
    await handle(tick);
    expect(h.kinds('rollback.codedeploy').at(-1)).toMatchObject({
      outcome: 'FAILED',
      reasons: [expect.any(String), expect.stringMatching(/still Created 24 h after/)],
    });
  });

  it('a retry after CreateDeployment succeeded but its answer was lost follows that deployment, creating no other', async () => {
    let lose = true;
    const { h, handle } = guarded((deps) => {
      const real = deps.deployments as MemoryDeployments;
      const lossy = Object.assign(Object.create(real) as MemoryDeployments, {
        redeploy: async (...args: Parameters<MemoryDeployments['redeploy']>) => {
          const id = await real.redeploy(...args);
          if (!lose) return id;
          lose = false;
          throw new AwsCallError('codedeploy', 'CreateDeployment', new Error('socket hang up'));
        },
      });
      return { ...deps, deployments: lossy };
    });
    h.seedGroup('Succeeded');
    await expect(handle(single())).rejects.toThrow(/CreateDeployment failed/);
    expect(h.ops('CreateDeployment')).toHaveLength(1);
    await handle(single());
    expect(h.ops('CreateDeployment')).toHaveLength(1);
    expect(h.kinds('rollback.codedeploy').at(-1)).toMatchObject({
      outcome: 'REDEPLOYED',
      reasons: [expect.any(String), expect.stringMatching(/earlier attempt created for d-2: following it/)],
    });
    // The rollback's other steps run on the retry; the package that was live is rejected.
    expect(h.ops('UpdateModelPackage').map((a) => (a.input as { ModelPackageArn: string }).ModelPackageArn)).toEqual([
      P4,
    ]);
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    // Further duplicates find it followed already: nothing more is created or recorded as redeployed.
    await handle(single());
    expect(h.ops('CreateDeployment')).toHaveLength(1);
    expect(h.kinds('rollback.codedeploy').filter((d) => d.outcome === 'REDEPLOYED')).toHaveLength(1);
    redeployment(h).status = 'Succeeded';
    await handle(tick);
    expect(h.kinds('rollback.codedeploy').at(-1)?.outcome).toBe('SUCCEEDED');
  });
});
