import {
  ecsPlaceholders,
  ecsService,
  elbDimension,
  pickTaskSets,
  type EcsTaskSet,
  type TargetGroupFacts,
} from '../../../functions/domain/ecs-traffic';

const ACCOUNT = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LB = `${ACCOUNT}:loadbalancer/app/scorer-alb/50dc6c495c0c9188`;
const OTHER_LB = `${ACCOUNT}:loadbalancer/app/other-alb/0123456789abcdef`;
const tg = (name: string, id: string, lbs: string[] = [LB]): TargetGroupFacts => ({
  name,
  arn: `${ACCOUNT}:targetgroup/${name}/${id}`,
  loadBalancerArns: lbs,
});
const green = (targetGroup?: string, trafficWeight?: number): EcsTaskSet => ({
  label: 'Green',
  ...(targetGroup ? { targetGroup } : {}),
  ...(trafficWeight !== undefined ? { trafficWeight } : {}),
});
const blue = (targetGroup?: string): EcsTaskSet => ({ label: 'Blue', ...(targetGroup ? { targetGroup } : {}) });

describe('pickTaskSets', () => {
  it.each<[string, EcsTaskSet[], ReturnType<typeof pickTaskSets>]>([
    [
      'Green is the canary, Blue the baseline',
      [blue('tg-blue'), green('tg-green', 10)],
      { phase: 'ready', canary: 'tg-green', baseline: 'tg-blue', canaryWeight: 10 },
    ],
    [
      'the labels as the API reference writes them (upper case)',
      [
        { label: 'GREEN', targetGroup: 'tg-a' },
        { label: 'BLUE', targetGroup: 'tg-b' },
      ],
      { phase: 'ready', canary: 'tg-a', baseline: 'tg-b' },
    ],
    [
      'the next deployment: the same groups, swapped',
      [green('tg-blue', 0), blue('tg-green')],
      { phase: 'ready', canary: 'tg-blue', baseline: 'tg-green', canaryWeight: 0 },
    ],
    [
      'before the replacement task set exists',
      [blue('tg-blue')],
      { phase: 'unready', reason: 'the deployment reports 0 Green and 1 Blue task sets, one of each needed' },
    ],
    [
      'no task sets at all',
      [],
      { phase: 'unready', reason: 'the deployment reports 0 Green and 0 Blue task sets, one of each needed' },
    ],
    [
      'two Green task sets',
      [green('a'), green('b'), blue('c')],
      { phase: 'unready', reason: 'the deployment reports 2 Green and 1 Blue task sets, one of each needed' },
    ],
    [
      'a task set without its target group',
      [green(), blue('tg-blue')],
      { phase: 'unready', reason: 'the Green task set names no target group' },
    ],
    [
      'both task sets behind one group',
      [green('tg'), blue('tg')],
      { phase: 'unready', reason: 'Green and Blue task sets both report target group tg' },
    ],
  ])('%s', (_name, taskSets, expected) => {
    expect(pickTaskSets(taskSets)).toEqual(expected);
  });
});

describe('elbDimension: the ARN suffix CloudWatch names ELB resources by', () => {
  it.each([
    [`${ACCOUNT}:targetgroup/tg-green/73e2d6bc24d8a067`, 'targetgroup/tg-green/73e2d6bc24d8a067'],
    [LB, 'app/scorer-alb/50dc6c495c0c9188'],
    [`${ACCOUNT}:loadbalancer/net/scorer-nlb/1234567890abcdef`, 'net/scorer-nlb/1234567890abcdef'],
    [
      'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/t/0123456789abcdef',
      'targetgroup/t/0123456789abcdef',
    ],
    // A classic load balancer or a listener has no such dimension.
    [`${ACCOUNT}:listener/app/scorer-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`, undefined],
    ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/classic', undefined],
    ['targetgroup/tg/73e2d6bc24d8a067', undefined],
    ['arn:aws:ecs:us-east-1:123456789012:targetgroup/tg/1', undefined],
  ])('%s → %s', (arn, dimension) => {
    expect(elbDimension(arn)).toBe(dimension);
  });
});

describe('ecsService', () => {
  it.each([
    ['scoring:scorer', { cluster: 'scoring', service: 'scorer' }],
    ['scorer', undefined],
    ['a:b:c', undefined],
    [':scorer', undefined],
  ])('%s', (id, expected) => {
    expect(ecsService(id)).toEqual(expected);
  });
});

describe('ecsPlaceholders', () => {
  const target = { targetId: 'scoring:scorer', taskSets: [green('tg-green', 20), blue('tg-blue')] };
  const groups = [tg('tg-green', '73e2d6bc24d8a067'), tg('tg-blue', '1b2c3d4e5f607182')];

  it('fills the cluster, service, both target groups and their load balancer', () => {
    expect(ecsPlaceholders(target, groups)).toEqual({
      values: {
        cluster: 'scoring',
        service: 'scorer',
        canaryTargetGroup: 'targetgroup/tg-green/73e2d6bc24d8a067',
        baselineTargetGroup: 'targetgroup/tg-blue/1b2c3d4e5f607182',
        loadBalancer: 'app/scorer-alb/50dc6c495c0c9188',
      },
      reasons: [],
      complete: true,
    });
  });

  it.each<[string, Parameters<typeof ecsPlaceholders>, Partial<Record<string, string>>, string[]]>([
    ['a deployment not started yet', [undefined, groups], {}, ['the deployment has no ECS target yet (not started)']],
    [
      'no replacement task set yet: only the service is known',
      [{ targetId: 'scoring:scorer', taskSets: [blue('tg-blue')] }, groups],
      { cluster: 'scoring', service: 'scorer' },
      ['the deployment reports 0 Green and 1 Blue task sets, one of each needed'],
    ],
    [
      'a target group that was not found',
      [target, [groups[1]!]],
      {
        cluster: 'scoring',
        service: 'scorer',
        baselineTargetGroup: 'targetgroup/tg-blue/1b2c3d4e5f607182',
      },
      ['target group tg-green not found'],
    ],
    [
      'target groups behind different load balancers',
      [target, [groups[0]!, tg('tg-blue', '1b2c3d4e5f607182', [OTHER_LB])]],
      {
        cluster: 'scoring',
        service: 'scorer',
        canaryTargetGroup: 'targetgroup/tg-green/73e2d6bc24d8a067',
        baselineTargetGroup: 'targetgroup/tg-blue/1b2c3d4e5f607182',
      },
      ['target groups tg-green and tg-blue share 0 load balancers, one needed'],
    ],
    [
      'target groups both behind two load balancers',
      [target, [tg('tg-green', '73e2d6bc24d8a067', [LB, OTHER_LB]), tg('tg-blue', '1b2c3d4e5f607182', [OTHER_LB, LB])]],
      {
        cluster: 'scoring',
        service: 'scorer',
        canaryTargetGroup: 'targetgroup/tg-green/73e2d6bc24d8a067',
        baselineTargetGroup: 'targetgroup/tg-blue/1b2c3d4e5f607182',
      },
      ['target groups tg-green and tg-blue share 2 load balancers, one needed'],
    ],
    [
      'a target id that is not <cluster>:<service>',
      [{ ...target, targetId: 'scorer' }, groups],
      {
        canaryTargetGroup: 'targetgroup/tg-green/73e2d6bc24d8a067',
        baselineTargetGroup: 'targetgroup/tg-blue/1b2c3d4e5f607182',
        loadBalancer: 'app/scorer-alb/50dc6c495c0c9188',
      },
      ['target id scorer is not <cluster>:<service>'],
    ],
  ])('%s: fills what it can and says why not the rest', (_name, args, values, reasons) => {
    expect(ecsPlaceholders(...args)).toEqual({ values, reasons, complete: false });
  });
});
