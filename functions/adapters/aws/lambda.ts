import { GetAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AwsCallError } from '../../domain/errors';
import type { LambdaAliases } from '../../ports/redeploy-facts';

/** Lambda aliases, read only: a Lambda redeploy's CurrentVersion is what the alias serves now. */
export class LambdaAliasReader implements LambdaAliases {
  constructor(private readonly client: LambdaClient) {}

  async liveVersion(functionName: string, alias: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
      return out.FunctionVersion;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw new AwsCallError('lambda', 'GetAlias', error);
    }
  }
}
