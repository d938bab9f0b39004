/**
 * What "redeploy the last good revision" means on each CodeDeploy compute platform, and how a
 * redeployment the controller made ended. Pure: the workflow reads the facts (the alias's live
 * version, the task definition's status) through ports and hands them in.
 */
import { readAppSpec, withLambdaVersions, type AppSpec } from './appspec';
import { AwsCallError } from './errors';
import { IN_FLIGHT, ROLLBACK_MARK, type DeploymentInfo } from './rollback';

export type ComputePlatform = 'Server' | 'Lambda' | 'ECS';

/** CodeDeploy's RevisionLocation, as far as the redeploy reads it. */
interface Revision {
  revisionType?: string;
  s3Location?: { bucket?: string; key?: string; bundleType?: string; version?: string; eTag?: string };
  gitHubLocation?: { repository?: string; commitId?: string };
  string?: { content?: string };
  appSpecContent?: { content?: string };
}

/** What the workflow must read before it can decide, or the decision already. */
export type RedeployNeed =
  | { kind: 'server'; platform: 'Server'; revision: unknown }
  | {
      kind: 'lambda';
      platform: 'Lambda';
      functionName: string;
      alias: string;
      targetVersion: string;
      spec: AppSpec;
    }
  | { kind: 'ecs'; platform: 'ECS'; taskDefinition: string; revision: unknown }
  | { kind: 'refuse'; platform: string; reason: string };

export type RedeployFacts = {
  /** lambda GetAlias FunctionVersion; null when the alias (or the function) does not exist. */
  liveVersion?: string | null;
  /** ecs DescribeTaskDefinition status (ACTIVE, INACTIVE, DELETE_IN_PROGRESS); null when not found. */
  taskDefinitionStatus?: string | null;
};

export type RedeployVerdict =
  | { kind: 'create'; platform: string; revision: unknown; reason: string }
  | { kind: 'refuse'; platform: string; reason: string }
  | { kind: 'nothing'; platform: string; reason: string };

const S3_ARCHIVES = new Set(['zip', 'tar', 'tgz']);

function appSpecText(r: Revision): string | undefined {
  return r.appSpecContent?.content ?? r.string?.content;
}

/** The platform the deployment ran on: CodeDeploy's own field, else what its revision can only be. */
export function platformOf(d: DeploymentInfo): ComputePlatform | undefined {
  if (d.computePlatform === 'Server' || d.computePlatform === 'Lambda' || d.computePlatform === 'ECS')
    return d.computePlatform;
  const r = (d.revision ?? {}) as Revision;
  if (r.revisionType === 'GitHub') return 'Server';
  if (r.revisionType === 'S3') return S3_ARCHIVES.has(r.s3Location?.bundleType ?? '') ? 'Server' : undefined;
  const content = appSpecText(r);
  const types = (content === undefined ? undefined : readAppSpec(content))?.resources.map((x) => x.type) ?? [];
  if (types.includes('AWS::Lambda::Function')) return 'Lambda';
  if (types.includes('AWS::ECS::Service')) return 'ECS';
  return undefined;
}

function serverNeed(good: DeploymentInfo, r: Revision): RedeployNeed {
  const refuse = (reason: string): RedeployNeed => ({ kind: 'refuse', platform: 'Server', reason });
  if (r.revisionType === 'S3') {
    const s3 = r.s3Location ?? {};
    const where = `s3://${s3.bucket}/${s3.key}`;
    // Without a version or an ETag CodeDeploy deploys whatever the key holds now, which after a
    // deploy that overwrote the key is the bad bundle again.
    if (!s3.version && !s3.eTag)
      return refuse(
        `revision of ${good.id} (${where}${s3.bundleType ? `, ${s3.bundleType}` : ''}) names neither an S3 object version nor an ETag: redeploying it would deploy whatever ${where} holds now; register revisions with version or eTag (an S3 bucket with versioning) and redeploy ${good.id} by hand`,
      );
    if (s3.bundleType && !S3_ARCHIVES.has(s3.bundleType))
      return refuse(
        `revision of ${good.id} is a ${s3.bundleType} file: the Server platform deploys zip, tar or tgz bundles`,
      );
    return { kind: 'server', platform: 'Server', revision: good.revision };
  }
  if (r.revisionType === 'GitHub') {
    if (!r.gitHubLocation?.commitId || !r.gitHubLocation.repository)
      return refuse(
        `GitHub revision of ${good.id} names no commitId (or repository): a redeploy could not pin the good commit; redeploy it by hand with its commit`,
      );
    return { kind: 'server', platform: 'Server', revision: good.revision };
  }
  return refuse(
    `revision of ${good.id} is ${r.revisionType ?? 'untyped'}: the Server platform deploys S3 or GitHub revisions`,
  );
}

function appSpecNeed(good: DeploymentInfo, r: Revision, platform: 'Lambda' | 'ECS'): RedeployNeed {
  const refuse = (reason: string): RedeployNeed => ({ kind: 'refuse', platform, reason });
  const content = appSpecText(r);
  if (content === undefined)
    return refuse(
      r.revisionType === 'S3'
        ? `revision of ${good.id} is an AppSpec stored in S3 (s3://${r.s3Location?.bucket}/${r.s3Location?.key}): the controller checks and rewrites AppSpecs only when they are inline (AppSpecContent); roll back by hand or deploy inline AppSpecs`
        : `revision of ${good.id} carries no AppSpec content`,
    );
  const spec = readAppSpec(content);
  if (!spec)
    return refuse(
      `AppSpec of ${good.id} is neither JSON nor block-style YAML with each field on its own line: not rewriting it`,
    );
  const type = platform === 'Lambda' ? 'AWS::Lambda::Function' : 'AWS::ECS::Service';
  const found = spec.resources.filter((x) => x.type === type);
  if (found.length !== 1 || spec.resources.length !== 1)
    return refuse(
      `AppSpec of ${good.id} has ${spec.resources.length} resources (${found.length} of type ${type}); CodeDeploy deploys exactly one`,
    );
  const { properties } = found[0]!;
  if (platform === 'ECS') {
    if (!properties.TaskDefinition) return refuse(`AppSpec of ${good.id} names no TaskDefinition`);
    return { kind: 'ecs', platform, taskDefinition: properties.TaskDefinition, revision: good.revision };
  }
  const { Name: functionName, Alias: alias, TargetVersion: targetVersion } = properties;
  if (!functionName || !alias || !targetVersion)
    return refuse(`AppSpec of ${good.id} lacks Name, Alias or TargetVersion of its function`);
  return { kind: 'lambda', platform, functionName, alias, targetVersion, spec };
}

/** What a redeploy of `good` needs read first (or why it cannot be redeployed at all). */
export function redeployNeed(good: DeploymentInfo): RedeployNeed {
  const platform = platformOf(good);
  const r = (good.revision ?? {}) as Revision;
  if (platform === 'Server') return serverNeed(good, r);
  if (platform === 'Lambda' || platform === 'ECS') return appSpecNeed(good, r, platform);
  return {
    kind: 'refuse',
    platform: good.computePlatform ?? 'unknown',
    reason: `cannot tell the compute platform of ${good.id} (${good.computePlatform ?? 'not reported'}): not redeploying`,
  };
}

/** The verdict once the facts the need named are read. */
export function redeployVerdict(need: RedeployNeed, facts: RedeployFacts): RedeployVerdict {
  if (need.kind === 'refuse') return need;
  if (need.kind === 'server')
    return { kind: 'create', platform: need.platform, revision: need.revision, reason: 'resubmit the pinned revision' };
  if (need.kind === 'ecs') {
    const status = facts.taskDefinitionStatus;
    if (status === 'ACTIVE')
      return {
        kind: 'create',
        platform: need.platform,
        revision: need.revision,
        reason: `task definition ${need.taskDefinition} is ACTIVE`,
      };
    return {
      kind: 'refuse',
      platform: need.platform,
      reason:
        status === null || status === undefined
          ? `task definition ${need.taskDefinition} does not exist: register it again and redeploy by hand`
          : `task definition ${need.taskDefinition} is ${status}, not ACTIVE (deregistered): CodeDeploy cannot start new tasks from it; register it again and redeploy by hand`,
    };
  }
  const live = facts.liveVersion;
  const where = `alias ${need.alias} of ${need.functionName}`;
  if (live === null || live === undefined)
    return { kind: 'refuse', platform: need.platform, reason: `${where} does not exist: nothing to shift back` };
  if (live === need.targetVersion)
    return {
      kind: 'nothing',
      platform: need.platform,
      reason: `${where} already serves version ${live}, the good deployment's TargetVersion`,
    };
  return {
    kind: 'create',
    platform: need.platform,
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: {
        content: withLambdaVersions(need.spec, live, need.targetVersion),
      },
    },
    reason: `shift ${where} from live version ${live} back to ${need.targetVersion}`,
  };
}

/** The description of the controller's redeployment; `redeployOf` reads it back. */
export function redeployDescription(reason: string, bad: string, good: string): string {
  return `${ROLLBACK_MARK}: ${reason}; replaces ${bad} with the revision of ${good}`;
}

/** The (bad, good) a redeployment's description names, if the controller made it. */
export function redeployOf(d: DeploymentInfo): { bad: string; good: string } | undefined {
  const desc = d.description ?? '';
  if (!desc.startsWith(ROLLBACK_MARK)) return undefined;
  const m = desc.match(/; replaces (\S+) with the revision of (\S+)$/);
  return m ? { bad: m[1]!, good: m[2]! } : undefined;
}

/**
 * The controller's own redeployment when it is the group's latest live or in-flight deployment: an
 * earlier attempt created it (perhaps its CreateDeployment answer was lost), so it is followed, not
 * made again.
 */
export function ownRedeployment(deployments: readonly DeploymentInfo[]): DeploymentInfo | undefined {
  const latest = [...deployments]
    .sort((a, b) => b.createTime.localeCompare(a.createTime))
    .find((d) => d.status === 'Succeeded' || (IN_FLIGHT as readonly string[]).includes(d.status));
  return latest && redeployOf(latest) ? latest : undefined;
}

/**
 * A redeployment is followed until CodeDeploy ends it, or for this long: Lambda and ECS deployments
 * bake and shift for hours at most; one still open after a day needs a person.
 */
export const FOLLOW_HOURS = 24;

export type FollowVerdict = { kind: 'wait' } | { kind: 'done'; outcome: 'SUCCEEDED' | 'FAILED'; reason: string };

/** How a followed redeployment stands: Succeeded, Failed or Stopped end it; so does the time limit. */
export function followVerdict(
  d: { id: string; status: string; error?: string },
  createdAt: string,
  now: Date,
): FollowVerdict {
  const why = d.error ? `: ${d.error}` : '';
  if (d.status === 'Succeeded')
    return { kind: 'done', outcome: 'SUCCEEDED', reason: `redeployment ${d.id} succeeded: the good revision is live` };
  if (d.status === 'Failed' || d.status === 'Stopped')
    return {
      kind: 'done',
      outcome: 'FAILED',
      reason: `redeployment ${d.id} ${d.status === 'Failed' ? 'failed' : 'was stopped'}${why}; the bad revision may still serve: a person must roll back`,
    };
  const hours = (now.getTime() - Date.parse(createdAt)) / 3_600_000;
  if (hours >= FOLLOW_HOURS)
    return {
      kind: 'done',
      outcome: 'FAILED',
      reason: `redeployment ${d.id} is still ${d.status} ${Math.floor(hours)} h after it was created (limit ${FOLLOW_HOURS} h): a person must look`,
    };
  return { kind: 'wait' };
}

/**
 * A followed redeployment GetDeployment no longer finds (deleted, or CodeDeploy aged it out): the
 * follow-up ends FAILED, since nothing says what serves now. Undefined for any other error, which
 * the tick retries.
 */
export function vanishedVerdict(deploymentId: string, error: unknown): FollowVerdict | undefined {
  const gone =
    error instanceof AwsCallError &&
    error.cause instanceof Error &&
    error.cause.name === 'DeploymentDoesNotExistException';
  return gone
    ? {
        kind: 'done',
        outcome: 'FAILED',
        reason: `redeployment ${deploymentId} no longer exists in CodeDeploy: a person must check what serves`,
      }
    : undefined;
}
