import type { LambdaAliases, TaskDefinitions } from '../../ports/redeploy-facts';
import { rollbackWorld } from './rollback-world';
import type { MemoryWorld } from './world';

/** Lambda aliases of the embedded backend: GetAlias reads what the scenario seeded. */
export class MemoryLambdaAliases implements LambdaAliases {
  constructor(private readonly world: MemoryWorld) {}

  async liveVersion(functionName: string, alias: string): Promise<string | undefined> {
    return rollbackWorld(this.world).aliases.get(`${functionName}:${alias}`);
  }
}

/** ECS task definitions of the embedded backend: DescribeTaskDefinition reads the seeded status. */
export class MemoryTaskDefinitions implements TaskDefinitions {
  constructor(private readonly world: MemoryWorld) {}

  async status(taskDefinition: string): Promise<string | undefined> {
    return rollbackWorld(this.world).taskDefinitions.get(taskDefinition);
  }
}
