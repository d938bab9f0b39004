/**
 * Which target groups an ECS blue/green deployment's canary and baseline serve behind, as pure
 * functions: the replacement (Green) and original (Blue) task sets CodeDeploy reports for the
 * deployment's one ECS target (GetDeploymentTarget's `ecsTarget.taskSetsInfo`), and the CloudWatch
 * dimension values of their target groups and load balancer (AWS/ApplicationELB and
 * AWS/NetworkELB name them by the last part of their ARNs). The two target groups swap roles from
 * one deployment to the next, so they are read from each deployment, never from the policy.
 */
import type { Placeholders } from './judgment';

/** One task set of an ECS deployment target, as GetDeploymentTarget reports it. */
export interface EcsTaskSet {
  /** `Blue` (the original task set) or `Green` (the replacement); the API reference writes them upper case. */
  label?: string;
  targetGroup?: string;
  trafficWeight?: number;
}

/** The ECS target of a deployment: `<cluster>:<service>` and its task sets. */
export interface EcsDeploymentTarget {
  targetId: string;
  taskSets: readonly EcsTaskSet[];
}

/** A target group as DescribeTargetGroups returns it. */
export interface TargetGroupFacts {
  name: string;
  arn: string;
  loadBalancerArns: readonly string[];
}

export type TaskSetPick =
  { phase: 'ready'; canary: string; baseline: string; canaryWeight?: number } | { phase: 'unready'; reason: string };

/**
 * The canary (Green) and baseline (Blue) target group names. Before CodeDeploy has created the
 * replacement task set only Blue is there: not ready, nothing to judge yet (never a guess).
 */
export function pickTaskSets(taskSets: readonly EcsTaskSet[]): TaskSetPick {
  const labelled = (label: string) => taskSets.filter((t) => t.label?.toLowerCase() === label);
  const green = labelled('green');
  const blue = labelled('blue');
  if (green.length !== 1 || blue.length !== 1)
    return {
      phase: 'unready',
      reason: `the deployment reports ${green.length} Green and ${blue.length} Blue task sets, one of each needed`,
    };
  const canary = green[0]!.targetGroup;
  const baseline = blue[0]!.targetGroup;
  if (!canary || !baseline)
    return { phase: 'unready', reason: `the ${canary ? 'Blue' : 'Green'} task set names no target group` };
  if (canary === baseline)
    return { phase: 'unready', reason: `Green and Blue task sets both report target group ${canary}` };
  const weight = green[0]!.trafficWeight;
  return { phase: 'ready', canary, baseline, ...(weight !== undefined ? { canaryWeight: weight } : {}) };
}

/** `<cluster>:<service>`, the ECS target id (BatchGetDeploymentTargets API reference); undefined otherwise. */
export function ecsService(targetId: string): { cluster: string; service: string } | undefined {
  const m = /^([^:]+):([^:]+)$/.exec(targetId);
  return m ? { cluster: m[1]!, service: m[2]! } : undefined;
}

const ELB_ARN =
  /^arn:[a-z0-9-]+:elasticloadbalancing:[a-z0-9-]*:\d{12}:(targetgroup\/[^/]+\/[^/]+|loadbalancer\/((?:app|net|gwy)\/[^/]+\/[^/]+))$/;

/**
 * The CloudWatch dimension value of a target group (`targetgroup/<name>/<id>`) or load balancer
 * (`app/<name>/<id>`, `net/...`) ARN: the last part of the ARN, as the ELB metrics documentation
 * specifies both. Undefined for anything else.
 */
export function elbDimension(arn: string): string | undefined {
  const m = ELB_ARN.exec(arn);
  if (!m) return undefined;
  return m[2] ?? m[1];
}

export interface EcsPlaceholders {
  values: Placeholders;
  /** Why a placeholder stays unfilled (the metrics naming it are not read). */
  reasons: string[];
  /** True when every ECS placeholder is filled: the answer cannot change for this deployment. */
  complete: boolean;
}

/**
 * The ECS placeholders of a deployment: `{cluster}` and `{service}` from its target id,
 * `{canaryTargetGroup}` and `{baselineTargetGroup}` from its task sets' target groups, and
 * `{loadBalancer}`, the one load balancer both target groups are attached to (the production
 * listener's: CodeDeploy shifts traffic between the two groups behind it).
 */
export function ecsPlaceholders(
  target: EcsDeploymentTarget | undefined,
  groups: readonly TargetGroupFacts[],
): EcsPlaceholders {
  if (!target) return { values: {}, reasons: ['the deployment has no ECS target yet (not started)'], complete: false };
  const values: Placeholders = {};
  const reasons: string[] = [];
  const service = ecsService(target.targetId);
  if (service) Object.assign(values, service);
  else reasons.push(`target id ${target.targetId} is not <cluster>:<service>`);
  const pick = pickTaskSets(target.taskSets);
  if (pick.phase === 'unready') return { values, reasons: [...reasons, pick.reason], complete: false };
  const byName = new Map(groups.map((g) => [g.name, g]));
  const canary = byName.get(pick.canary);
  const baseline = byName.get(pick.baseline);
  for (const [side, name, group] of [
    ['canaryTargetGroup', pick.canary, canary],
    ['baselineTargetGroup', pick.baseline, baseline],
  ] as const) {
    const dimension = group ? elbDimension(group.arn) : undefined;
    if (dimension) values[side] = dimension;
    else
      reasons.push(
        group ? `target group ARN ${group.arn} is not an ELB target group ARN` : `target group ${name} not found`,
      );
  }
  if (canary && baseline) {
    const shared = canary.loadBalancerArns.filter((a) => baseline.loadBalancerArns.includes(a));
    const dimension = shared.length === 1 ? elbDimension(shared[0]!) : undefined;
    if (dimension) values.loadBalancer = dimension;
    else
      reasons.push(
        shared.length === 1
          ? `load balancer ARN ${shared[0]} is not an ELB load balancer ARN`
          : `target groups ${pick.canary} and ${pick.baseline} share ${shared.length} load balancers, one needed`,
      );
  }
  return { values, reasons, complete: reasons.length === 0 };
}
