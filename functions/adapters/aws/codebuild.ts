import { createHash } from 'node:crypto';
import {
  StartBuildCommand,
  type CodeBuildClient,
  type EnvironmentVariable,
  type StartBuildCommandInput,
} from '@aws-sdk/client-codebuild';
import type { RetrainingTarget } from '../../config/policy';
import { AwsCallError } from '../../domain/errors';
import type { StartRequest } from '../../ports/pipelines';

export type CodeBuildTarget = Extract<RetrainingTarget, { type: 'codebuild' }>;
export type CodeBuildStartRequest = StartRequest & { target: CodeBuildTarget };

/**
 * StartBuild `idempotencyToken` has no documented length or pattern; a sha256 hex digest of the
 * controller's token is deterministic and plain. CodeBuild honours it for 5 minutes only, so the
 * run store's claim, not the token, is what keeps a late redelivery from a second build.
 */
export function codeBuildToken(token: string): string {
  return createHash('sha256').update(`codebuild/${token}`).digest('hex');
}

/**
 * Environment variables in precedence order, first occurrence wins: the manifest variable, the
 * batch id (when the rule names one), then the rule's static ones. PLAINTEXT: the values are
 * S3 URIs and ids, nothing secret.
 */
function variables(...sources: Array<Record<string, string>>): EnvironmentVariable[] {
  const pairs = new Map<string, string>();
  for (const source of sources)
    for (const [name, value] of Object.entries(source)) if (!pairs.has(name)) pairs.set(name, value);
  return [...pairs].map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }));
}

/** The exact StartBuild input (shared with the memory adapter). */
export function codeBuildStartInput(request: CodeBuildStartRequest): StartBuildCommandInput {
  const { target } = request;
  return {
    projectName: target.name,
    idempotencyToken: codeBuildToken(request.token),
    environmentVariablesOverride: variables(
      { [target.manifestVariable]: request.manifestUri },
      target.batchIdVariable ? { [target.batchIdVariable]: request.batchId } : {},
      target.variables,
    ),
  };
}

/**
 * Starts CodeBuild builds. Answers the build's ARN: the "CodeBuild Build State Change" event names
 * the build by its ARN (`build-id`). Errors are the SDK's; AwsPipelines maps them.
 */
export class CodeBuildStarter {
  constructor(private readonly client: CodeBuildClient) {}

  async start(request: CodeBuildStartRequest): Promise<string> {
    const response = await this.client.send(new StartBuildCommand(codeBuildStartInput(request)));
    if (!response.build?.arn) throw new AwsCallError('codebuild', 'StartBuild', new Error('response has no build ARN'));
    return response.build.arn;
  }
}
