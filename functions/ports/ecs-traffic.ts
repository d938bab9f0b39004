import type { EcsDeploymentTarget, TargetGroupFacts } from '../domain/ecs-traffic';

/** CodeDeploy's view of an ECS deployment's target: its service and its Blue and Green task sets. */
export interface DeploymentTargets {
  /**
   * ListDeploymentTargets, then GetDeploymentTarget of the one ECS target (`<cluster>:<service>`);
   * undefined while the deployment has no target yet (CodeDeploy answers DeploymentNotStarted).
   */
  ecsTarget(deploymentId: string): Promise<EcsDeploymentTarget | undefined>;
}

/** Elastic Load Balancing v2 target groups, read only. */
export interface TargetGroups {
  /**
   * One DescribeTargetGroups call for every name: each group's ARN and load balancers. Empty when
   * a name is not found (ELB fails the whole call then, naming none).
   */
  byNames(names: readonly string[]): Promise<TargetGroupFacts[]>;
}
