/**
 * Pure rollback decisions: which bindings an alarm selects, what "roll back" means for a CodeDeploy
 * group and for a SageMaker endpoint given what is known, the lifecycle-hook verdict, and whether a
 * failed stage may be retried. No SDK, no I/O.
 */
import type { RollbackBinding } from '../config/policy-rollback';

/** Does the binding select this alarm? Tags are only consulted when names and prefixes miss. */
export function selects(binding: RollbackBinding, alarm: string, tags?: Record<string, string>): boolean {
  const a = binding.alarms;
  if (a.names.includes(alarm)) return true;
  if (a.prefixes.some((p) => alarm.startsWith(p))) return true;
  const wanted = Object.entries(a.tags);
  return wanted.length > 0 && tags !== undefined && wanted.every(([k, v]) => tags[k] === v);
}

export const needsTags = (bindings: readonly RollbackBinding[], alarm: string): boolean =>
  bindings.some((b) => Object.keys(b.alarms.tags).length > 0 && !selects(b, alarm));

/** CodeDeploy statuses of a deployment that can still be stopped. */
export const IN_FLIGHT = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

export interface DeploymentInfo {
  id: string;
  status: string;
  createTime: string;
  /** The revision as CodeDeploy returned it (opaque: handed back to CreateDeployment). */
  revision?: unknown;
  description?: string;
  /** A model package ARN the deployment names (description or AppSpec content), if any. */
  modelPackageArn?: string;
  /** CodeDeploy's `creator` (DeploymentCreator): `codeDeployRollback`, `CloudFormationRollback`, `user`, ... */
  creator?: string;
  /** CodeDeploy's computePlatform (Server, Lambda, ECS), as BatchGetDeployments returns it. */
  computePlatform?: string;
}

/** Descriptions of the controller's own redeployments start with this. */
export const ROLLBACK_MARK = 'mlops-controller rollback';

/**
 * CodeDeploy's DeploymentCreator values for deployments that roll back: its own automatic rollback,
 * and the one CloudFormation makes when a stack update that shifted traffic rolls back. Redeploying
 * over either would move the alias away from the version they just restored.
 */
const ROLLBACK_CREATORS: ReadonlySet<string> = new Set(['codeDeployRollback', 'CloudFormationRollback']);

/** A deployment that is itself a rollback (CodeDeploy's or CloudFormation's, or the controller's redeploy). */
export const isRollbackDeployment = (d: DeploymentInfo): boolean =>
  (d.creator !== undefined && ROLLBACK_CREATORS.has(d.creator)) || (d.description ?? '').startsWith(ROLLBACK_MARK);

export type CodeDeployPlan =
  | { kind: 'stop'; bad: DeploymentInfo[]; reason: string }
  | { kind: 'redeploy'; bad: DeploymentInfo; good: DeploymentInfo; reason: string }
  | { kind: 'none'; reason: string };

/**
 * In-flight deployments are stopped (CodeDeploy rolls them back). With none in flight the alarm
 * fired after the bake: the newest Succeeded deployment is the bad version, and the newest
 * Succeeded deployment created before it with a different revision is "last good".
 */
export function codeDeployPlan(deployments: readonly DeploymentInfo[]): CodeDeployPlan {
  const newest = [...deployments].sort((a, b) => b.createTime.localeCompare(a.createTime));
  // Never roll back a rollback: the alarm (or a copy of it) already did its work, or a person must look.
  const latest = newest.find((d) => d.status === 'Succeeded' || (IN_FLIGHT as readonly string[]).includes(d.status));
  if (latest && isRollbackDeployment(latest))
    return {
      kind: 'none',
      reason: `latest deployment ${latest.id} is itself a rollback (${latest.status}): not rolling back further`,
    };
  const inFlight = newest.filter((d) => (IN_FLIGHT as readonly string[]).includes(d.status));
  if (inFlight.length > 0)
    return {
      kind: 'stop',
      bad: inFlight,
      reason: `deployment ${inFlight.map((d) => d.id).join(', ')} in flight: stop it and let CodeDeploy roll back`,
    };
  const succeeded = newest.filter((d) => d.status === 'Succeeded');
  const bad = succeeded[0];
  if (!bad) return { kind: 'none', reason: 'no deployment in flight and none succeeded: nothing to roll back' };
  const same = JSON.stringify(bad.revision);
  const good = succeeded.slice(1).find((d) => d.revision !== undefined && JSON.stringify(d.revision) !== same);
  if (!good)
    return {
      kind: 'none',
      reason: `live deployment ${bad.id} has no earlier successful deployment of another revision to return to`,
    };
  return {
    kind: 'redeploy',
    bad,
    good,
    reason: `no deployment in flight: redeploy ${good.id}'s revision (last success before live ${bad.id})`,
  };
}

export interface EndpointConfigSeen {
  config: string;
  at: string;
  modelPackageArn?: string;
  /** The controller rolled back away from this config: never "last good" again. */
  bad?: boolean;
  /** The controller rolled back to this config: an alarm on it needs a person, not a further rollback. */
  restored?: boolean;
}

export type EndpointPlan =
  | { kind: 'update'; from: string; to: EndpointConfigSeen; live?: EndpointConfigSeen; reason: string }
  | { kind: 'wait'; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'none'; reason: string };

/**
 * Where an endpoint status leaves a rollback, in the API's spelling (SystemUpdating) and the
 * EventBridge event's (SYSTEM_UPDATING) alike. Transitional statuses end by themselves (an update,
 * maintenance, a guardrail's own rollback); UpdateRollbackFailed never does: both the update and
 * its auto-rollback failed and the endpoint serves a mix of both configs until a person acts.
 */
export type EndpointPhase = 'in-service' | 'transitional' | 'update-rollback-failed' | 'other';

/** SageMaker's `SystemUpdating` and EventBridge's `SYSTEM_UPDATING`, and so on, compare equal. */
const spelled = (status: string) => status.replace(/_/g, '').toLowerCase();

/** Platform maintenance, not a deployment: an endpoint that ends it on the same config rolled nothing back. */
export const isMaintenance = (status: string): boolean => spelled(status) === 'systemupdating';

export function endpointPhase(status: string): EndpointPhase {
  const s = spelled(status);
  if (s === 'inservice') return 'in-service';
  if (s === 'creating' || s === 'updating' || s === 'systemupdating' || s === 'rollingback') return 'transitional';
  if (s === 'updaterollbackfailed') return 'update-rollback-failed';
  return 'other';
}

/**
 * An endpoint already changing may be rolling back by its own deployment guardrail: do not fight it.
 * Otherwise the last-good config is the newest config seen InService that is not the current one.
 */
export function endpointPlan(
  endpoint: { status: string; config: string },
  history: readonly EndpointConfigSeen[],
): EndpointPlan {
  const phase = endpointPhase(endpoint.status);
  if (phase === 'transitional')
    return {
      kind: 'wait',
      reason: `endpoint is ${endpoint.status}: its own deployment may be rolling back; re-check later`,
    };
  if (phase === 'update-rollback-failed')
    return {
      kind: 'failed',
      reason: `endpoint is ${endpoint.status}: its update and the auto-rollback failed and it serves a mix of the old and new configs; a person must repair it (UpdateEndpoint) before any rollback`,
    };
  if (phase !== 'in-service')
    return {
      kind: 'none',
      reason: `endpoint is ${endpoint.status}: not rolling back an endpoint that is not InService`,
    };
  const newest = [...history].sort((a, b) => b.at.localeCompare(a.at));
  const live = newest.find((h) => h.config === endpoint.config);
  if (live?.restored)
    return {
      kind: 'none',
      reason: `${endpoint.config} is the config the controller restored: not rolling back further`,
    };
  const good = newest.find((h) => h.config !== endpoint.config && !h.bad);
  if (!good)
    return { kind: 'none', reason: `no earlier config of this endpoint was seen InService (live ${endpoint.config})` };
  return {
    kind: 'update',
    from: endpoint.config,
    to: good,
    ...(live ? { live } : {}),
    reason: `return from ${endpoint.config} to ${good.config}, last seen InService ${good.at}`,
  };
}

/** Finds the first SageMaker model package ARN in any of the texts (description, AppSpec content). */
export function modelPackageArnIn(...texts: Array<string | undefined>): string | undefined {
  for (const t of texts) {
    const m = t?.match(/arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9-]+\/\d+/);
    if (m) return m[0];
  }
  return undefined;
}

export type CheckResult = { check: string; outcome: 'PASS' | 'FAIL' | 'NODATA' | 'ERROR'; detail: string };

/** Every check must PASS: no data and a crashed check fail the hook like a failed check. */
export function hookVerdict(results: readonly CheckResult[]): { status: 'Succeeded' | 'Failed'; reason: string } {
  if (results.length === 0) return { status: 'Failed', reason: 'no check ran: no data never counts as a pass' };
  const bad = results.filter((r) => r.outcome !== 'PASS');
  if (bad.length === 0)
    return { status: 'Succeeded', reason: results.map((r) => `${r.check}: ${r.detail}`).join('; ') };
  return { status: 'Failed', reason: bad.map((r) => `${r.check} ${r.outcome}: ${r.detail}`).join('; ') };
}

/** Does the response match the expected shape? Returns the failure, or undefined when it does. */
export function smokeMismatch(
  body: string,
  expect: { expectJsonKeys?: string[]; expectPattern?: string },
): string | undefined {
  if (expect.expectJsonKeys?.length) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'response is not JSON';
    }
    const obj = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as object) : {};
    const missing = expect.expectJsonKeys.filter((k) => !(k in obj));
    if (missing.length > 0) return `response lacks ${missing.join(', ')}`;
  }
  if (expect.expectPattern && !new RegExp(expect.expectPattern).test(body))
    return `response does not match /${expect.expectPattern}/`;
  if (!expect.expectJsonKeys?.length && !expect.expectPattern && body.length === 0) return 'empty response';
  return undefined;
}
