import type { ModelPackage } from '../../ports/model-registry';
import type { MemoryWorld } from './world';

/** A CodePipeline approval action waiting (or not) in the embedded backend. */
export interface StoredApproval {
  pipeline: string;
  stage: string;
  action: string;
  executionId: string;
  token: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** The execution's resolved V2 variables. */
  variables: Record<string, string>;
  /** GetPipelineState calls that still show no token (CodePipeline publishes it with a delay). */
  hiddenReads: number;
}

/**
 * The gates' part of the embedded world: model packages, approval actions, and S3 objects the
 * controller's role may not read. Kept beside MemoryWorld (one per world) rather than in it, so the
 * retraining backend stays as it is.
 */
export class GatesState {
  readonly packages = new Map<string, ModelPackage>();
  readonly approvals: StoredApproval[] = [];
  /** `bucket/key` of objects whose GET is AccessDenied. */
  readonly denied = new Set<string>();
}

const states = new WeakMap<MemoryWorld, GatesState>();

export function gatesState(world: MemoryWorld): GatesState {
  let state = states.get(world);
  if (!state) {
    state = new GatesState();
    states.set(world, state);
  }
  return state;
}
