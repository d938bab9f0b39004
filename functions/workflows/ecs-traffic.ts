import type { AnalysisEntry } from '../config/policy-analysis';
import { ecsPlaceholders, pickTaskSets } from '../domain/ecs-traffic';
import { deploymentPlaceholders, type Placeholders } from '../domain/judgment';
import type { DeploymentInfo } from '../domain/rollback';
import type { DeploymentTargets, TargetGroups } from '../ports/ecs-traffic';

/** The placeholder values of a pair, and why any stays unfilled. */
export interface Filled {
  values: Placeholders;
  reasons: string[];
}

/**
 * Deployments remembered per function instance. A judgment every interval of a deployment that
 * bakes for hours needs one entry per deployment in flight; past this many the oldest go first.
 */
const REMEMBERED = 200;

/**
 * The ECS placeholders of a deployment, read from CodeDeploy and ELB at most once per deployment
 * and function instance: ListDeploymentTargets + GetDeploymentTarget + one DescribeTargetGroups
 * for both names, then nothing. Remembering is safe because none of it changes while a deployment
 * runs: its Green task set is the replacement and Blue the original from start to end, and a
 * target group's ARN and load balancer are fixed for its life. Only a complete answer is
 * remembered; a deployment whose replacement task set does not exist yet is asked again next time.
 */
export class EcsTraffic {
  private readonly known = new Map<string, Placeholders>();

  constructor(
    private readonly targets?: DeploymentTargets,
    private readonly groups?: TargetGroups,
  ) {}

  async of(deploymentId: string): Promise<Filled> {
    const remembered = this.known.get(deploymentId);
    if (remembered) return { values: remembered, reasons: [] };
    if (!this.targets || !this.groups)
      return { values: {}, reasons: ['the ECS deployment reads are not wired into this function'] };
    const target = await this.targets.ecsTarget(deploymentId);
    const pick = target ? pickTaskSets(target.taskSets) : undefined;
    const groups = pick?.phase === 'ready' ? await this.groups.byNames([pick.canary, pick.baseline]) : [];
    const found = ecsPlaceholders(target, groups);
    if (found.complete) {
      if (this.known.size >= REMEMBERED) this.known.delete(this.known.keys().next().value!);
      this.known.set(deploymentId, found.values);
    }
    return { values: found.values, reasons: found.reasons };
  }
}

/**
 * Every placeholder value of a CodeDeploy deployment in flight for `entry`: the group's and the
 * deployment's own, then the platform's (Lambda's from the AppSpec, ECS's from `ecs`). A
 * deployment of another platform than the entry names fills only the group's, and says so.
 */
export async function codeDeployPlaceholders(
  entry: AnalysisEntry,
  d: DeploymentInfo,
  application: string,
  group: string,
  ecs: EcsTraffic,
): Promise<Filled> {
  const platform = entry.target.codedeploy?.platform ?? 'lambda';
  const reported = d.computePlatform;
  const expected = platform === 'ecs' ? 'ECS' : 'Lambda';
  if (reported !== undefined && reported !== expected)
    return {
      values: { application, deploymentGroup: group, deploymentId: d.id },
      reasons: [
        `deployment ${d.id} is ${reported === 'ECS' ? 'an' : 'a'} ${reported} deployment, but analysis ${entry.name} names platform ${platform}${reported === 'ECS' ? ': set target.codedeploy.platform: ecs' : ''}`,
      ],
    };
  const values = deploymentPlaceholders(application, group, d);
  if (platform !== 'ecs') return { values, reasons: [] };
  const found = await ecs.of(d.id);
  return { values: { ...values, ...found.values }, reasons: found.reasons };
}
