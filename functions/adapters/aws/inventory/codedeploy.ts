import {
  GetApplicationCommand,
  GetDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import type { Lookup, PlatformFacts } from '../../../domain/resources';
import type { DeploymentInventory } from '../../../ports/inventory';
import { listedOnce, lookupFailure, offering } from './lookup';

const ABSENT = ['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException'];

/** A miss offers the account's applications, or the application's groups (first page of each: one call). */
export class CodeDeployInventory implements DeploymentInventory {
  private readonly applications = listedOnce(
    async () => (await this.client.send(new ListApplicationsCommand({}))).applications ?? [],
  );
  private readonly groups = new Map<string, () => Promise<string[] | undefined>>();

  constructor(private readonly client: CodeDeployClient) {}

  private groupsOf(application: string): () => Promise<string[] | undefined> {
    let list = this.groups.get(application);
    if (!list) {
      list = listedOnce(
        async () =>
          (await this.client.send(new ListDeploymentGroupsCommand({ applicationName: application })))
            .deploymentGroups ?? [],
      );
      this.groups.set(application, list);
    }
    return list;
  }

  async deploymentGroup(application: string, group: string): Promise<Lookup<PlatformFacts>> {
    try {
      const { deploymentGroupInfo: info } = await this.client.send(
        new GetDeploymentGroupCommand({ applicationName: application, deploymentGroupName: group }),
      );
      return { state: 'present', facts: info?.computePlatform ? { computePlatform: info.computePlatform } : {} };
    } catch (error) {
      const failure = lookupFailure(error, ABSENT);
      return (error as { name?: string }).name === 'ApplicationDoesNotExistException'
        ? offering(failure, this.applications, 'application')
        : offering(failure, this.groupsOf(application));
    }
  }

  async application(name: string): Promise<Lookup<PlatformFacts>> {
    try {
      const { application } = await this.client.send(new GetApplicationCommand({ applicationName: name }));
      return {
        state: 'present',
        facts: application?.computePlatform ? { computePlatform: application.computePlatform } : {},
      };
    } catch (error) {
      return offering(lookupFailure(error, ABSENT), this.applications);
    }
  }
}
