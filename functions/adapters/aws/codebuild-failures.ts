import { BatchGetBuildsCommand, type Build, type BuildPhase, type CodeBuildClient } from '@aws-sdk/client-codebuild';
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { AwsCallError } from '../../domain/errors';
import { logTail, type FailureFacts } from '../../domain/run-failure';
import type { FailureReader } from '../../ports/run-failures';

/**
 * Events read from the end of the stream: one GetLogEvents page, of which logTail keeps the last
 * LOG_LINES lines within LOG_BYTES (functions/domain/run-failure.ts). A traceback and the agent's
 * lines after it fit; a build that prints long lines costs one page, and the decision stays small.
 */
export const LOG_EVENTS = 50;

async function send<T>(service: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new AwsCallError(service, operation, error);
  }
}

/** `arn:aws:codebuild:r:a:build/<project>:<uuid>` (the event's `build-id`) → `<project>:<uuid>`, the build id. */
export function buildIdOf(buildArn: string): string {
  return buildArn.startsWith('arn:') ? buildArn.slice(buildArn.indexOf(':build/') + ':build/'.length) : buildArn;
}

/** CodeBuild's default log group of a project: what the role may read (infra/iam.cjs). */
export const defaultLogGroup = (project: string): string => `/aws/codebuild/${project}`;

/** The first phase that did not succeed: later phases (POST_BUILD, FINALIZING) run after a failure too. */
const failedPhase = (build: Build): BuildPhase | undefined =>
  build.phases?.find(
    (p) => p.phaseStatus !== undefined && p.phaseStatus !== 'SUCCEEDED' && p.phaseStatus !== 'IN_PROGRESS',
  );

/**
 * A failed CodeBuild build: BatchGetBuilds for its failed phase and that phase's contexts (status
 * code and message), then the end of its CloudWatch Logs stream. Only the project's default group
 * is granted; a build that logs elsewhere (the project's logsConfig) is said so, not read.
 */
export class CodeBuildFailureReader implements FailureReader {
  constructor(
    private readonly codebuild: CodeBuildClient,
    private readonly logs: CloudWatchLogsClient,
  ) {}

  async facts(project: string, buildArn: string): Promise<FailureFacts> {
    const id = buildIdOf(buildArn);
    const answer = await send('codebuild', 'BatchGetBuilds', () =>
      this.codebuild.send(new BatchGetBuildsCommand({ ids: [id] })),
    );
    const build = answer.builds?.find((b) => b.id === id || b.arn === buildArn);
    if (!build) return { unread: `CodeBuild knows no build ${id}` };
    const phase = failedPhase(build);
    const message = (phase?.contexts ?? [])
      .map((c) => [c.statusCode, c.message?.trim()].filter(Boolean).join(': '))
      .filter(Boolean)
      .join('; ');
    const status = [phase?.phaseStatus, build.buildStatus].find((s) => s && s !== 'FAILED');
    const facts: FailureFacts = {
      ...(phase ? { failedAt: `phase ${phase.phaseType} (${phase.phaseStatus})` } : {}),
      ...(message ? { message } : {}),
      ...(status ? { status } : {}),
    };
    const { groupName, streamName } = build.logs ?? {};
    if (!groupName || !streamName) return { ...facts, unread: 'the build wrote no CloudWatch Logs stream' };
    if (groupName !== defaultLogGroup(project))
      return {
        ...facts,
        unread: `the build logs to ${groupName}; the controller reads ${defaultLogGroup(project)} only`,
      };
    try {
      const page = await send('logs', 'GetLogEvents', () =>
        this.logs.send(
          new GetLogEventsCommand({
            logGroupName: groupName,
            logStreamName: streamName,
            startFromHead: false,
            limit: LOG_EVENTS,
          }),
        ),
      );
      const events = [...(page.events ?? [])].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
      const log = logTail(events.map((e) => e.message ?? ''));
      return log.length > 0 ? { ...facts, log } : { ...facts, unread: `the log stream ${streamName} is empty` };
    } catch (error) {
      return { ...facts, unread: `could not read the build log: ${(error as Error).message}` };
    }
  }
}
