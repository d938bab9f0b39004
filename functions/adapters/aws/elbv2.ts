import {
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetGroupFacts } from '../../domain/ecs-traffic';
import { AwsCallError } from '../../domain/errors';
import type { TargetGroups } from '../../ports/ecs-traffic';

/** Target groups by name, read only: an ECS canary's and baseline's ARNs and load balancers. */
export class ElbTargetGroups implements TargetGroups {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async byNames(names: readonly string[]): Promise<TargetGroupFacts[]> {
    if (names.length === 0) return [];
    try {
      // Names and no PageSize: the answer holds exactly the named groups (at most a few), one page.
      const out = await this.client.send(new DescribeTargetGroupsCommand({ Names: [...names] }));
      return (out.TargetGroups ?? []).flatMap((g) =>
        g.TargetGroupName && g.TargetGroupArn
          ? [{ name: g.TargetGroupName, arn: g.TargetGroupArn, loadBalancerArns: g.LoadBalancerArns ?? [] }]
          : [],
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'TargetGroupNotFoundException') return [];
      throw new AwsCallError('elasticloadbalancing', 'DescribeTargetGroups', error);
    }
  }
}
