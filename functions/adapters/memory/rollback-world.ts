import type { MemoryWorld } from './world';

/** What the embedded backend knows about live deployments, beside MemoryWorld's S3 and pipelines. */
export interface SimDeployment {
  id: string;
  application: string;
  group: string;
  status: string;
  createTime: string;
  revision?: unknown;
  description?: string;
  creator?: string;
  computePlatform?: string;
  /** CodeDeploy's errorInformation of a failed deployment, as `code: message`. */
  error?: string;
}

export interface SimEndpoint {
  name: string;
  status: string;
  config: string;
}

export interface SimActionRun {
  pipeline: string;
  executionId: string;
  stage: string;
  action: string;
  category: string;
  status: string;
}

export class RollbackWorld {
  readonly applications = new Map<string, Set<string>>();
  readonly deployments: SimDeployment[] = [];
  readonly endpoints = new Map<string, SimEndpoint>();
  /** Endpoint config → model package it serves (through its model). */
  readonly configPackages = new Map<string, string | undefined>();
  readonly alarms = new Map<string, { state: string; arn: string; tags: Record<string, string> }>();
  readonly packages = new Map<string, string>();
  readonly disabledTransitions = new Map<string, string>();
  readonly actionRuns: SimActionRun[] = [];
  /** Smoke responses by endpoint; an endpoint without one answers an empty body. */
  readonly responses = new Map<string, string>();
  /** Lambda alias → the version it serves, keyed `<function>:<alias>`. */
  readonly aliases = new Map<string, string>();
  /** ECS task definition (ARN or family:revision) → its status. */
  readonly taskDefinitions = new Map<string, string>();
}

const worlds = new WeakMap<MemoryWorld, RollbackWorld>();

/** The rollback state attached to a MemoryWorld (created on first use). */
export function rollbackWorld(world: MemoryWorld): RollbackWorld {
  let r = worlds.get(world);
  if (!r) {
    r = new RollbackWorld();
    worlds.set(world, r);
  }
  return r;
}
