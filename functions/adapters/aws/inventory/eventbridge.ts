import { DescribeEventBusCommand, ListEventBusesCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Lookup } from '../../../domain/resources';
import type { EventBusInventory } from '../../../ports/inventory';
import { listedOnce, lookupFailure, offering } from './lookup';

/** ListEventBuses returns at most 100 buses a call. */
const LIMIT = 100;

/** DescribeEventBus takes a name or an ARN; a miss offers the account's buses, spelt as asked. */
export class EventBusInventoryAws implements EventBusInventory {
  private readonly buses = listedOnce(
    async () => (await this.client.send(new ListEventBusesCommand({ Limit: LIMIT }))).EventBuses ?? [],
  );

  constructor(private readonly client: EventBridgeClient) {}

  async eventBus(nameOrArn: string): Promise<Lookup<object>> {
    try {
      await this.client.send(new DescribeEventBusCommand({ Name: nameOrArn }));
      return { state: 'present', facts: {} };
    } catch (error) {
      const asArn = nameOrArn.startsWith('arn:');
      return offering(lookupFailure(error, ['ResourceNotFoundException']), async () => {
        const buses = await this.buses();
        return buses?.map((b) => (asArn ? b.Arn : b.Name) ?? '');
      });
    }
  }
}
