import {
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Lookup } from '../../../domain/resources';
import type { StateMachineInventory } from '../../../ports/inventory';
import { listedOnce, lookupFailure, offering } from './lookup';

/** ListStateMachines returns at most 1000 a page: one call offers them all in most accounts. */
const PAGE = 1000;

/**
 * DescribeStateMachine takes the unqualified ARN or a version's (`…:<name>:<n>`); an alias
 * (`…:<name>:<alias>`) is described by DescribeStateMachineAlias. An absent one is
 * StateMachineDoesNotExist (alias: ResourceNotFound); a miss of an unqualified ARN offers the
 * account's state machines.
 */
export class StateMachineInventoryAws implements StateMachineInventory {
  private readonly arns = listedOnce(async () =>
    ((await this.client.send(new ListStateMachinesCommand({ maxResults: PAGE }))).stateMachines ?? []).map(
      (m) => m.stateMachineArn ?? '',
    ),
  );

  constructor(private readonly client: SFNClient) {}

  async stateMachine(arn: string): Promise<Lookup<object>> {
    const qualifier = arn.split(':')[7];
    try {
      if (qualifier !== undefined && !/^\d+$/.test(qualifier))
        await this.client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn }));
      else await this.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      return { state: 'present', facts: {} };
    } catch (error) {
      const failure = lookupFailure(error, ['StateMachineDoesNotExist', 'ResourceNotFound']);
      return qualifier === undefined ? offering(failure, this.arns) : failure;
    }
  }
}
