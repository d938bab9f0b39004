import type { MetricQuery } from '../domain/resources-analysis';
import type {
  AlarmKind,
  BucketFacts,
  EndpointFacts,
  Lookup,
  PipelineFacts,
  PlatformFacts,
  SageMakerPipelineFacts,
} from '../domain/resources';

/**
 * Read-only lookups of the resources a policy names (`validate --aws`), one service each. Every
 * method makes at most one call per resource (alarms and projects: one per 100 names), plus at
 * most one list call on a miss to offer the names that exist, and never throws for a resource
 * that is absent or unreadable: it answers `missing` or `unchecked` with the reason.
 */
export interface PipelineInventory {
  codePipeline(name: string): Promise<Lookup<PipelineFacts>>;
}
export interface SageMakerInventory {
  sageMakerPipeline(name: string): Promise<Lookup<SageMakerPipelineFacts>>;
  endpoint(name: string): Promise<Lookup<EndpointFacts>>;
  modelPackageGroup(name: string): Promise<Lookup<object>>;
}
export interface DeploymentInventory {
  deploymentGroup(application: string, group: string): Promise<Lookup<PlatformFacts>>;
  application(name: string): Promise<Lookup<PlatformFacts>>;
}
export interface StorageInventory {
  bucket(name: string): Promise<Lookup<BucketFacts>>;
  object(bucket: string, key: string): Promise<Lookup<object>>;
}
export interface AlarmInventory {
  /** Every name asked for, present with its kind or missing. */
  alarms(names: readonly string[]): Promise<Map<string, Lookup<{ kind: AlarmKind }>>>;
  /** `count`: alarms found whose name starts with `prefix` (0 or 1: the lookup stops at the first). */
  alarmPrefix(prefix: string): Promise<Lookup<{ count: number }>>;
}
export interface TopicInventory {
  topic(arn: string): Promise<Lookup<object>>;
}
export interface StateMachineInventory {
  /** An unqualified, version or alias ARN. */
  stateMachine(arn: string): Promise<Lookup<object>>;
}
export interface BuildInventory {
  /** Every name asked for, present or missing (one call per 100 names). */
  projects(names: readonly string[]): Promise<Map<string, Lookup<object>>>;
}
export interface EventBusInventory {
  /** A bus name or ARN. */
  eventBus(nameOrArn: string): Promise<Lookup<object>>;
}
export interface MetricInventory {
  /** `count`: metrics ListMetrics lists for the filter on its first page (0: none published lately). */
  metrics(query: MetricQuery): Promise<Lookup<{ count: number }>>;
}

export type Inventory = PipelineInventory &
  SageMakerInventory &
  DeploymentInventory &
  StorageInventory &
  AlarmInventory &
  TopicInventory &
  StateMachineInventory &
  BuildInventory &
  EventBusInventory &
  MetricInventory;
