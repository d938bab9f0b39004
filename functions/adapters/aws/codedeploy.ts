import {
  BatchGetDeploymentsCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  paginateListDeployments,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type CreateDeploymentCommandInput,
  type DeploymentInfo as SdkDeploymentInfo,
  type ListDeploymentsCommandInput,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type { EcsDeploymentTarget } from '../../domain/ecs-traffic';
import { AwsCallError, DeploymentFinishedError } from '../../domain/errors';
import { IN_FLIGHT, modelPackageArnIn, type DeploymentInfo } from '../../domain/rollback';
import type { DeploymentDetail, Deployments, RedeployResult } from '../../ports/deployments';
import type { DeploymentTargets } from '../../ports/ecs-traffic';

/** BatchGetDeployments takes at most 25 ids. */
const BATCH = 25;

/**
 * The lookback keeps a group's recent deployments to a handful; past this many the newest cannot be
 * found without reading them all, so the listing fails loudly instead of judging on a subset.
 */
export const MAX_RECENT_DEPLOYMENTS = 500;

export function listDeploymentsInput(application: string, group: string, since: Date): ListDeploymentsCommandInput {
  return {
    applicationName: application,
    deploymentGroupName: group,
    includeOnlyStatuses: [...IN_FLIGHT, 'Succeeded'],
    createTimeRange: { start: since },
  };
}

/**
 * Alarm polling off for this deployment only: the group's alarms are the ones in ALARM that asked
 * for the rollback, and CodeDeploy would stop the redeployment on them (the CreateDeployment API
 * reference describes exactly this case; the override needs codedeploy:UpdateDeploymentGroup). No
 * deploymentConfigName or autoRollbackConfiguration: the group's own traffic shifting and
 * automatic rollback govern the redeployment.
 */
export const ALARMS_OFF = { enabled: false } as const;

export function redeployInput(
  application: string,
  group: string,
  revision: unknown,
  description: string,
): CreateDeploymentCommandInput {
  return {
    applicationName: application,
    deploymentGroupName: group,
    revision: revision as RevisionLocation,
    description: description.slice(0, 1000),
    overrideAlarmConfiguration: { ...ALARMS_OFF },
  };
}

function revisionText(revision: RevisionLocation | undefined): string | undefined {
  return revision?.appSpecContent?.content ?? revision?.string?.content;
}

export function toDeploymentInfo(d: SdkDeploymentInfo): DeploymentInfo {
  const arn = modelPackageArnIn(d.description, revisionText(d.revision));
  return {
    id: d.deploymentId ?? '',
    status: d.status ?? 'Unknown',
    createTime: (d.createTime ?? new Date(0)).toISOString(),
    ...(d.revision ? { revision: d.revision } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(arn ? { modelPackageArn: arn } : {}),
    ...(d.creator ? { creator: d.creator } : {}),
    ...(d.computePlatform ? { computePlatform: d.computePlatform } : {}),
  };
}

const errorText = (e: { code?: string; message?: string }): string =>
  [e.code, e.message].filter(Boolean).join(': ') || 'no error information';

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError('codedeploy', operation, error);
  }
}

export class CodeDeployDeployments implements Deployments {
  constructor(private readonly client: CodeDeployClient) {}

  async recent(application: string, group: string, since: Date): Promise<DeploymentInfo[]> {
    // ListDeployments pages with nextToken and documents no order: read every page, then order by
    // createTime here (the domain picks the newest).
    const ids: string[] = [];
    await send('ListDeployments', async () => {
      const pages = paginateListDeployments({ client: this.client }, listDeploymentsInput(application, group, since));
      for await (const page of pages) {
        ids.push(...(page.deployments ?? []));
        if (ids.length > MAX_RECENT_DEPLOYMENTS)
          throw new Error(
            `more than ${MAX_RECENT_DEPLOYMENTS} deployments of ${application}/${group} since ${since.toISOString()}: shorten the binding's lookback`,
          );
      }
    });
    const infos: DeploymentInfo[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      const batch = await send('BatchGetDeployments', () =>
        this.client.send(new BatchGetDeploymentsCommand({ deploymentIds: chunk })),
      );
      infos.push(...(batch.deploymentsInfo ?? []).map(toDeploymentInfo));
    }
    return infos.sort((a, b) => b.createTime.localeCompare(a.createTime));
  }

  async stop(deploymentId: string): Promise<void> {
    try {
      await this.client.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'DeploymentAlreadyCompletedException'))
        throw new AwsCallError('codedeploy', 'StopDeployment', error);
      // It finished between the listing and the stop. Failed or Stopped: CodeDeploy's own rollback
      // (or a person) ended it, nothing is left to stop. Succeeded: the bad revision is now live.
      const { status } = await this.get(deploymentId);
      if (status === 'Succeeded') throw new DeploymentFinishedError(deploymentId);
    }
  }

  async redeploy(application: string, group: string, revision: unknown, description: string): Promise<RedeployResult> {
    const out = await send('CreateDeployment', () =>
      this.client.send(new CreateDeploymentCommand(redeployInput(application, group, revision, description))),
    );
    return { deploymentId: out.deploymentId ?? '' };
  }

  async get(deploymentId: string): Promise<DeploymentDetail> {
    const out = await send('GetDeployment', () => this.client.send(new GetDeploymentCommand({ deploymentId })));
    const d = out.deploymentInfo ?? {};
    return {
      ...toDeploymentInfo({ ...d, deploymentId: d.deploymentId ?? deploymentId }),
      application: d.applicationName ?? '',
      deploymentGroup: d.deploymentGroupName ?? '',
      ...(d.errorInformation ? { error: errorText(d.errorInformation) } : {}),
    };
  }

  async answerHook(deploymentId: string, hookExecutionId: string, status: 'Succeeded' | 'Failed'): Promise<void> {
    try {
      await this.client.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId,
          lifecycleEventHookExecutionId: hookExecutionId,
          status,
        }),
      );
    } catch (error) {
      // A duplicate delivery of the hook: the first answer stands.
      if (error instanceof Error && error.name === 'LifecycleEventAlreadyCompletedException') return;
      throw new AwsCallError('codedeploy', 'PutLifecycleEventHookExecutionStatus', error);
    }
  }
}

/** CodeDeploy answers this for the targets of a deployment that has not started yet. */
const isNotStarted = (error: unknown) => error instanceof Error && error.name === 'DeploymentNotStartedException';

/**
 * The ECS target of a deployment: two calls, since GetDeploymentTarget needs the target id
 * (`<cluster>:<service>`) that only ListDeploymentTargets names. An ECS deployment has one target
 * (its service), so the first page holds it and no filter is needed.
 */
export class CodeDeployEcsTargets implements DeploymentTargets {
  constructor(private readonly client: CodeDeployClient) {}

  async ecsTarget(deploymentId: string): Promise<EcsDeploymentTarget | undefined> {
    let targetId: string | undefined;
    try {
      const out = await this.client.send(new ListDeploymentTargetsCommand({ deploymentId }));
      targetId = out.targetIds?.[0];
    } catch (error) {
      if (isNotStarted(error)) return undefined;
      throw new AwsCallError('codedeploy', 'ListDeploymentTargets', error);
    }
    if (!targetId) return undefined;
    const out = await send('GetDeploymentTarget', () =>
      this.client.send(new GetDeploymentTargetCommand({ deploymentId, targetId })),
    );
    const ecs = out.deploymentTarget?.ecsTarget;
    if (!ecs) return undefined;
    return {
      targetId: ecs.targetId ?? targetId,
      taskSets: (ecs.taskSetsInfo ?? []).map((t) => ({
        ...(t.taskSetLabel ? { label: t.taskSetLabel } : {}),
        ...(t.targetGroup?.name ? { targetGroup: t.targetGroup.name } : {}),
        ...(t.trafficWeight !== undefined ? { trafficWeight: t.trafficWeight } : {}),
      })),
    };
  }
}
