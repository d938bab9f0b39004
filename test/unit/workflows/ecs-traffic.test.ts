import type { AnalysisEntry } from '../../../functions/config/policy-analysis';
import type { EcsDeploymentTarget, TargetGroupFacts } from '../../../functions/domain/ecs-traffic';
import type { DeploymentTargets, TargetGroups } from '../../../functions/ports/ecs-traffic';
import { codeDeployPlaceholders, EcsTraffic } from '../../../functions/workflows/ecs-traffic';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LB = `${ELB}:loadbalancer/app/scorer/50dc6c495c0c9188`;

/** The ports as CodeDeploy and ELB answer for one deployment, counting the calls. */
function ports(target: EcsDeploymentTarget | undefined) {
  const calls = { targets: 0, groups: [] as string[][] };
  const targets: DeploymentTargets = {
    ecsTarget: async () => {
      calls.targets += 1;
      return target;
    },
  };
  const groups: TargetGroups = {
    byNames: async (names) => {
      calls.groups.push([...names]);
      return names.map((name, i): TargetGroupFacts => ({
        name,
        arn: `${ELB}:targetgroup/${name}/000000000000000${i}`,
        loadBalancerArns: [LB],
      }));
    },
  };
  return { calls, targets, groups };
}

const shifting: EcsDeploymentTarget = {
  targetId: 'scoring:scorer',
  taskSets: [
    { label: 'Blue', targetGroup: 'tg-1', trafficWeight: 90 },
    { label: 'Green', targetGroup: 'tg-2', trafficWeight: 10 },
  ],
};

describe('EcsTraffic', () => {
  it('reads a deployment once (one target lookup, one DescribeTargetGroups for both names), then remembers it', async () => {
    const { calls, targets, groups } = ports(shifting);
    const traffic = new EcsTraffic(targets, groups);
    const first = await traffic.of('d-1');
    const again = await traffic.of('d-1');
    expect(first).toEqual({
      values: {
        cluster: 'scoring',
        service: 'scorer',
        canaryTargetGroup: 'targetgroup/tg-2/0000000000000000',
        baselineTargetGroup: 'targetgroup/tg-1/0000000000000001',
        loadBalancer: 'app/scorer/50dc6c495c0c9188',
      },
      reasons: [],
    });
    expect(again).toEqual(first);
    expect(calls).toEqual({ targets: 1, groups: [['tg-2', 'tg-1']] });
  });

  it('asks again next time while the replacement task set does not exist yet, and reads no target groups', async () => {
    const { calls, targets, groups } = ports({
      targetId: 'scoring:scorer',
      taskSets: [{ label: 'Blue', targetGroup: 'tg-1' }],
    });
    const traffic = new EcsTraffic(targets, groups);
    await traffic.of('d-1');
    const second = await traffic.of('d-1');
    expect(second.reasons).toEqual(['the deployment reports 0 Green and 1 Blue task sets, one of each needed']);
    expect(calls).toEqual({ targets: 2, groups: [] });
  });

  it('says so when the function has no ECS reads wired', async () => {
    expect(await new EcsTraffic().of('d-1')).toEqual({
      values: {},
      reasons: ['the ECS deployment reads are not wired into this function'],
    });
  });
});

describe('codeDeployPlaceholders', () => {
  const entry = (platform: 'lambda' | 'ecs') =>
    ({
      name: 'scorer-canary',
      target: { codedeploy: { application: 'scorer', deploymentGroup: 'live', platform } },
    }) as AnalysisEntry;
  const d = (computePlatform?: string) => ({
    id: 'd-1',
    status: 'InProgress',
    createTime: '2026-12-04T10:00:00Z',
    ...(computePlatform ? { computePlatform } : {}),
  });

  it('an ECS deployment of an ECS analysis: the group’s placeholders and the ECS ones', async () => {
    const { targets, groups } = ports(shifting);
    const filled = await codeDeployPlaceholders(
      entry('ecs'),
      d('ECS'),
      'scorer',
      'live',
      new EcsTraffic(targets, groups),
    );
    expect(filled.values).toMatchObject({
      application: 'scorer',
      deploymentGroup: 'live',
      deploymentId: 'd-1',
      canaryTargetGroup: 'targetgroup/tg-2/0000000000000000',
    });
  });

  it.each([
    ['ecs', 'Lambda', 'deployment d-1 is a Lambda deployment, but analysis scorer-canary names platform ecs'],
    [
      'lambda',
      'ECS',
      'deployment d-1 is an ECS deployment, but analysis scorer-canary names platform lambda: set target.codedeploy.platform: ecs',
    ],
  ] as const)('platform %s, a %s deployment: reads nothing and says why', async (platform, reported, reason) => {
    const { calls, targets, groups } = ports(shifting);
    const filled = await codeDeployPlaceholders(
      entry(platform),
      d(reported),
      'scorer',
      'live',
      new EcsTraffic(targets, groups),
    );
    expect(filled).toEqual({
      values: { application: 'scorer', deploymentGroup: 'live', deploymentId: 'd-1' },
      reasons: [reason],
    });
    expect(calls.targets).toBe(0);
  });
});
