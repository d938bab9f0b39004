import { listDeploymentsInput, redeployInput } from '../aws/codedeploy';
import { AwsCallError, DeploymentFinishedError } from '../../domain/errors';
import { modelPackageArnIn, type DeploymentInfo } from '../../domain/rollback';
import type { DeploymentDetail, Deployments, RedeployResult } from '../../ports/deployments';
import { rollbackWorld, type SimDeployment } from './rollback-world';
import type { MemoryWorld } from './world';

function info(d: SimDeployment): DeploymentInfo {
  const r = d.revision as { appSpecContent?: { content?: string }; string?: { content?: string } } | undefined;
  const arn = modelPackageArnIn(d.description, r?.appSpecContent?.content ?? r?.string?.content);
  return {
    id: d.id,
    status: d.status,
    createTime: d.createTime,
    ...(d.revision !== undefined ? { revision: d.revision } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(arn ? { modelPackageArn: arn } : {}),
    ...(d.creator ? { creator: d.creator } : {}),
    ...(d.computePlatform ? { computePlatform: d.computePlatform } : {}),
  };
}

/** CodeDeploy for the embedded backend: same inputs as the AWS adapter, journaled write calls. */
export class MemoryDeployments implements Deployments {
  constructor(private readonly world: MemoryWorld) {}

  private get state() {
    return rollbackWorld(this.world);
  }

  private find(id: string): SimDeployment {
    const d = this.state.deployments.find((x) => x.id === id);
    if (!d)
      throw new AwsCallError(
        'codedeploy',
        'GetDeployment',
        Object.assign(new Error(`simulated DeploymentDoesNotExistException: ${id}`), {
          name: 'DeploymentDoesNotExistException',
        }),
      );
    return d;
  }

  async recent(application: string, group: string, since: Date): Promise<DeploymentInfo[]> {
    const input = listDeploymentsInput(application, group, since);
    const statuses = input.includeOnlyStatuses as string[];
    return this.state.deployments
      .filter((d) => d.application === application && d.group === group && statuses.includes(d.status))
      .filter((d) => Date.parse(d.createTime) >= since.getTime())
      .sort((a, b) => b.createTime.localeCompare(a.createTime))
      .slice(0, 25)
      .map(info);
  }

  async stop(deploymentId: string): Promise<void> {
    const d = this.find(deploymentId);
    this.world.record('codedeploy', 'StopDeployment', { deploymentId, autoRollbackEnabled: true });
    if (d.status === 'Succeeded') throw new DeploymentFinishedError(deploymentId);
    if (['Failed', 'Stopped'].includes(d.status)) return;
    d.status = 'Stopped';
    // CodeDeploy's automatic rollback: a new deployment of the last successful revision.
    const previous = this.state.deployments
      .filter((x) => x.application === d.application && x.group === d.group && x.status === 'Succeeded')
      .sort((a, b) => b.createTime.localeCompare(a.createTime))[0];
    if (previous)
      this.state.deployments.push({
        id: `d-${this.world.nextId('RB').replace(/\D/g, '').padStart(9, '0')}`,
        application: d.application,
        group: d.group,
        status: 'InProgress',
        createTime: this.world.clock.now().toISOString(),
        revision: previous.revision,
        description: `Rollback of ${d.id}`,
        creator: 'codeDeployRollback',
      });
  }

  async redeploy(application: string, group: string, revision: unknown, description: string): Promise<RedeployResult> {
    const input = redeployInput(application, group, revision, description);
    if (!this.state.applications.get(application)?.has(group))
      throw new AwsCallError(
        'codedeploy',
        'CreateDeployment',
        Object.assign(new Error(`simulated DeploymentGroupDoesNotExistException: ${application}/${group}`), {
          name: 'DeploymentGroupDoesNotExistException',
        }),
      );
    this.world.record('codedeploy', 'CreateDeployment', { ...input });
    const id = `d-${this.world.nextId('SIM').replace(/\D/g, '').padStart(9, '0')}`;
    // CodeDeploy deploys to the group's platform: the same as the group's earlier deployments.
    const platform = this.state.deployments.find(
      (d) => d.application === application && d.group === group && d.computePlatform,
    )?.computePlatform;
    this.state.deployments.push({
      id,
      application,
      group,
      status: 'Created',
      createTime: this.world.clock.now().toISOString(),
      revision,
      description: input.description ?? '',
      ...(platform ? { computePlatform: platform } : {}),
    });
    return { deploymentId: id };
  }

  async get(deploymentId: string): Promise<DeploymentDetail> {
    const d = this.find(deploymentId);
    return { ...info(d), application: d.application, deploymentGroup: d.group, ...(d.error ? { error: d.error } : {}) };
  }

  async answerHook(deploymentId: string, hookExecutionId: string, status: 'Succeeded' | 'Failed'): Promise<void> {
    this.world.record('codedeploy', 'PutLifecycleEventHookExecutionStatus', {
      deploymentId,
      lifecycleEventHookExecutionId: hookExecutionId,
      status,
    });
  }
}
