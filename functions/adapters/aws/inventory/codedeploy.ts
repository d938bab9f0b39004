import { GetApplicationCommand, GetDeploymentGroupCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { Lookup, PlatformFacts } from '../../../domain/resources';
import type { DeploymentInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

const ABSENT = ['ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException'];

export class CodeDeployInventory implements DeploymentInventory {
  constructor(private readonly client: CodeDeployClient) {}

  async deploymentGroup(application: string, group: string): Promise<Lookup<PlatformFacts>> {
    try {
      const { deploymentGroupInfo: info } = await this.client.send(
        new GetDeploymentGroupCommand({ applicationName: application, deploymentGroupName: group }),
      );
      return { state: 'present', facts: info?.computePlatform ? { computePlatform: info.computePlatform } : {} };
    } catch (error) {
      return lookupFailure(error, ABSENT);
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
      return lookupFailure(error, ABSENT);
    }
  }
}
