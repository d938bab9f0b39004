/**
 * ECS blue/green canaries on moto, for the ECS judgment's integration tests: an application load
 * balancer whose listener forwards to a blue and a green target group (moto's ELBv2, on subnets of
 * a VPC made through moto's CloudFormation: the tests carry no EC2 client), a CodeDeploy ECS
 * application with one deployment in flight, and TargetResponseTime per target group put into
 * moto's CloudWatch under a namespace of the test's own (CloudWatch refuses PutMetricData into
 * AWS/ namespaces).
 */
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsClientConfig, uniqueName } from './aws';
import { noise } from './canary-series';

export const ELB_NAMESPACE = 'Test/ApplicationELB';

/** A VPC with two subnets (an ALB spans two Availability Zones): their ids and the VPC's. */
export async function network(): Promise<{ vpc: string; subnets: string[] }> {
  const cfn = new CloudFormationClient(awsClientConfig());
  const name = uniqueName('ecs-canary-net');
  const subnet = (az: string, cidr: string) => ({
    Type: 'AWS::EC2::Subnet',
    Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: cidr, AvailabilityZone: az },
  });
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify({
          Resources: {
            Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.20.0.0/16' } },
            SubnetA: subnet('us-east-1a', '10.20.1.0/24'),
            SubnetB: subnet('us-east-1b', '10.20.2.0/24'),
          },
          Outputs: {
            Vpc: { Value: { Ref: 'Vpc' } },
            SubnetA: { Value: { Ref: 'SubnetA' } },
            SubnetB: { Value: { Ref: 'SubnetB' } },
          },
        }),
      }),
    );
    // moto creates a stack's resources within CreateStack: the first describe has the outputs.
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
    const output = (key: string) => stack.Outputs!.find((o) => o.OutputKey === key)!.OutputValue!;
    return { vpc: output('Vpc'), subnets: [output('SubnetA'), output('SubnetB')] };
  } finally {
    cfn.destroy();
  }
}

export interface EcsService {
  loadBalancerArn: string;
  /** By the names CodeDeploy's task sets report. */
  targetGroups: Record<'blue' | 'green', { name: string; arn: string }>;
}

/**
 * An ALB with a production listener forwarding to both target groups (90/10, as a canary shift
 * leaves it): ELB then reports the load balancer on each group.
 */
export async function ecsService(
  elb: ElasticLoadBalancingV2Client,
  net: { vpc: string; subnets: string[] },
  prefix: string,
): Promise<EcsService> {
  const lb = await elb.send(
    new CreateLoadBalancerCommand({ Name: uniqueName(`${prefix}-alb`).slice(0, 32), Subnets: net.subnets }),
  );
  const loadBalancerArn = lb.LoadBalancers![0]!.LoadBalancerArn!;
  const group = async (color: 'blue' | 'green') => {
    const name = uniqueName(`${prefix}-${color}`).slice(0, 32).replace(/-$/, '');
    const out = await elb.send(
      new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: net.vpc, TargetType: 'ip' }),
    );
    return { name, arn: out.TargetGroups![0]!.TargetGroupArn! };
  };
  const targetGroups = { blue: await group('blue'), green: await group('green') };
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: targetGroups.blue.arn, Weight: 90 },
              { TargetGroupArn: targetGroups.green.arn, Weight: 10 },
            ],
          },
        },
      ],
    }),
  );
  return { loadBalancerArn, targetGroups };
}

/** An ECS AppSpec replacing the service's task definition with revision 8. */
const ecsAppSpec = JSON.stringify({
  version: 0.0,
  Resources: [
    {
      TargetService: {
        Type: 'AWS::ECS::Service',
        Properties: {
          TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/scorer:8',
          LoadBalancerInfo: { ContainerName: 'scorer', ContainerPort: 8080 },
        },
      },
    },
  ],
});

/** An ECS application with a `live` group and one deployment in flight (moto keeps it `Created`); its id. */
export async function ecsDeployment(codedeploy: CodeDeployClient, application: string): Promise<string> {
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'ECS' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
    }),
  );
  const out = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: ecsAppSpec } },
    }),
  );
  return out.deploymentId!;
}

/** The ARN suffixes CloudWatch names ELB resources by: `app/<name>/<id>`, `targetgroup/<name>/<id>`. */
const loadBalancerDimension = (arn: string) => arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
const targetGroupDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/**
 * TargetResponseTime (seconds) of the canary and baseline target groups, one value a minute from
 * 30 minutes before the last 5-minute boundary to 5 minutes after it: `drifting` creeps up on the
 * canary only, `equal` is the same noise on both.
 */
export async function putTargetSeries(
  cloudwatch: CloudWatchClient,
  service: EcsService,
  canary: 'blue' | 'green',
  shape: 'drifting' | 'equal',
): Promise<void> {
  const r = noise(11);
  const end = Math.floor(Date.now() / 300_000) * 300_000;
  const loadBalancer = loadBalancerDimension(service.loadBalancerArn);
  const baseline = canary === 'green' ? 'blue' : 'green';
  const data = [];
  for (let i = 0; i < 35; i++) {
    const at = new Date(end - (30 - i) * 60_000 + 5_000);
    const value = (side: 'blue' | 'green', v: number) => ({
      MetricName: 'TargetResponseTime',
      Dimensions: [
        { Name: 'LoadBalancer', Value: loadBalancer },
        { Name: 'TargetGroup', Value: targetGroupDimension(service.targetGroups[side].arn) },
      ],
      Timestamp: at,
      Value: v,
    });
    const wide = shape === 'equal' ? 0.01 : 0.003;
    data.push(value(baseline, 0.1 + wide * r()));
    data.push(value(canary, shape === 'drifting' ? 0.1 + 0.004 * i + 0.003 * r() : 0.1 + wide * r()));
  }
  // Small requests: moto's server answers larger PutMetricData requests with an HTML error page.
  for (let i = 0; i < data.length; i += 20)
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: ELB_NAMESPACE, MetricData: data.slice(i, i + 20) }));
}

/** The analysis metric every ECS judgment test judges: latency per target group, critical. */
export const targetLatency = {
  name: 'latency',
  namespace: ELB_NAMESPACE,
  metricName: 'TargetResponseTime',
  statistic: 'Average',
  dimensions: { LoadBalancer: '{loadBalancer}' },
  canary: { TargetGroup: '{canaryTargetGroup}' },
  baseline: { TargetGroup: '{baselineTargetGroup}' },
  critical: true,
};
