import type { ModelPackage } from '../../ports/model-registry';
import { gatesState } from './gates-world';
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

/**
 * The approval status of model packages as the rollback side reads and writes it: a view of the
 * registry's own packages, so the package a gate approved is the one a rollback rejects (one world).
 * A package first named here (by ARN and status only) joins the registry with what its ARN tells.
 */
export class PackageStatuses {
  constructor(
    private readonly registry: Map<string, ModelPackage>,
    private readonly now: () => string,
  ) {}

  get(arn: string): string | undefined {
    return this.registry.get(arn)?.status;
  }

  has(arn: string): boolean {
    return this.registry.has(arn);
  }

  set(arn: string, status: string): this {
    const known = this.registry.get(arn);
    if (known) known.status = status;
    else {
      const [group = arn, version] = arn.split(':model-package/')[1]?.split('/') ?? [];
      this.registry.set(arn, {
        arn,
        group,
        ...(version !== undefined && /^\d+$/.test(version) ? { version: Number(version) } : {}),
        status,
        createdAt: this.now(),
        reports: {},
        customerMetadata: {},
      });
    }
    return this;
  }
}

export class RollbackWorld {
  constructor(readonly packages: PackageStatuses) {}

  readonly applications = new Map<string, Set<string>>();
  readonly deployments: SimDeployment[] = [];
  readonly endpoints = new Map<string, SimEndpoint>();
  /** Endpoint config → model package it serves (through its model). */
  readonly configPackages = new Map<string, string | undefined>();
  readonly alarms = new Map<string, { state: string; arn: string; tags: Record<string, string> }>();
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
    r = new RollbackWorld(new PackageStatuses(gatesState(world).packages, () => world.clock.now().toISOString()));
    worlds.set(world, r);
  }
  return r;
}
