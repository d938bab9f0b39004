/**
 * The ECS judgment's reads. ELBv2 DescribeTargetGroups against moto (target groups behind an ALB
 * on a moto VPC); CodeDeploy ListDeploymentTargets and GetDeploymentTarget with aws-sdk-client-mock,
 * because moto's CodeDeploy implements neither (its responses hold no deployment targets at all).
 */
import {
  CodeDeployClient,
  DeploymentNotStartedException,
  GetDeploymentTargetCommand,
  InvalidDeploymentIdException,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { CodeDeployEcsTargets } from '../../../../functions/adapters/aws/codedeploy';
import { ElbTargetGroups } from '../../../../functions/adapters/aws/elbv2';
import { AwsCallError } from '../../../../functions/domain/errors';
import { awsClientConfig } from '../../../support/aws';
import { ecsService, network, type EcsService } from '../../../support/ecs-canary-moto';

describe('ElbTargetGroups (moto)', () => {
  const client = new ElasticLoadBalancingV2Client(awsClientConfig());
  const groups = new ElbTargetGroups(client);
  let service: EcsService;
  beforeAll(async () => {
    service = await ecsService(client, await network(), 'tgs');
  }, 60_000);
  afterAll(() => client.destroy());

  it('describes both target groups in one call, with their ARNs and the load balancer in front of them', async () => {
    const { blue, green } = service.targetGroups;
    const found = await groups.byNames([green.name, blue.name]);
    expect(found.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [blue, green]
        .map((g) => ({ name: g.name, arn: g.arn, loadBalancerArns: [service.loadBalancerArn] }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('finds nothing (never a partial answer) when a name is unknown', async () => {
    expect(await groups.byNames([service.targetGroups.blue.name, 'no-such-group'])).toEqual([]);
  });

  it('asks nothing for no names', async () => {
    expect(await groups.byNames([])).toEqual([]);
  });
});

describe('CodeDeployEcsTargets (aws-sdk-client-mock: moto lacks deployment targets)', () => {
  const client = new CodeDeployClient(awsClientConfig());
  const mock = mockClient(client);
  const targets = new CodeDeployEcsTargets(client);
  afterAll(() => mock.restore());
  beforeEach(() => mock.reset());

  it('lists the deployment’s one target, then reads its task sets', async () => {
    mock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['scoring:scorer'] });
    mock.on(GetDeploymentTargetCommand).resolves({
      deploymentTarget: {
        deploymentTargetType: 'ECSTarget',
        ecsTarget: {
          deploymentId: 'd-ECS1',
          targetId: 'scoring:scorer',
          taskSetsInfo: [
            { taskSetLabel: 'Blue', targetGroup: { name: 'tg-1' }, trafficWeight: 90, status: 'PRIMARY' },
            { taskSetLabel: 'Green', targetGroup: { name: 'tg-2' }, trafficWeight: 10, status: 'ACTIVE' },
          ],
        },
      },
    });
    expect(await targets.ecsTarget('d-ECS1')).toEqual({
      targetId: 'scoring:scorer',
      taskSets: [
        { label: 'Blue', targetGroup: 'tg-1', trafficWeight: 90 },
        { label: 'Green', targetGroup: 'tg-2', trafficWeight: 10 },
      ],
    });
    expect(mock.commandCalls(ListDeploymentTargetsCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-ECS1' },
    ]);
    expect(mock.commandCalls(GetDeploymentTargetCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-ECS1', targetId: 'scoring:scorer' },
    ]);
  });

  it('a deployment that has not started has no target yet: undefined, and no GetDeploymentTarget', async () => {
    mock
      .on(ListDeploymentTargetsCommand)
      .rejects(
        new DeploymentNotStartedException({ message: 'The specified deployment has not started', $metadata: {} }),
      );
    expect(await targets.ecsTarget('d-ECS2')).toBeUndefined();
    expect(mock.commandCalls(GetDeploymentTargetCommand)).toHaveLength(0);
  });

  it('a target that is not an ECS one is no ECS target', async () => {
    mock.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['predict'] });
    mock.on(GetDeploymentTargetCommand).resolves({
      deploymentTarget: { deploymentTargetType: 'LambdaTarget', lambdaTarget: { targetId: 'predict' } },
    });
    expect(await targets.ecsTarget('d-LAMBDA')).toBeUndefined();
  });

  it('any other failure is an AwsCallError naming the operation (the tick is retried)', async () => {
    mock
      .on(ListDeploymentTargetsCommand)
      .rejects(new InvalidDeploymentIdException({ message: 'bad id', $metadata: {} }));
    await expect(targets.ecsTarget('d-BAD')).rejects.toThrow(AwsCallError);
    await expect(targets.ecsTarget('d-BAD')).rejects.toThrow('codedeploy.ListDeploymentTargets failed: bad id');
  });
});
