import type { Alarms } from '../../ports/alarms';
import { rollbackWorld } from './rollback-world';
import type { MemoryWorld } from './world';

export class MemoryAlarms implements Alarms {
  constructor(private readonly world: MemoryWorld) {}

  async states(names: readonly string[]): Promise<Map<string, string>> {
    const alarms = rollbackWorld(this.world).alarms;
    return new Map(names.filter((n) => alarms.has(n)).map((n) => [n, alarms.get(n)!.state]));
  }

  async tags(alarmArn: string): Promise<Record<string, string>> {
    const found = [...rollbackWorld(this.world).alarms.values()].find((a) => a.arn === alarmArn);
    return { ...(found?.tags ?? {}) };
  }
}
