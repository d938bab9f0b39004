import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodePipelineApprovals } from '../adapters/aws/codepipeline-approvals';
import type { GateWorkflow } from '../workflows/gates';
import type { Logger } from '../ports/logger';
import { gatesRuntime } from './gates-runtime';

/**
 * The approval gate's runtime: the gate functions' runtime plus CodePipeline. A module of its own so
 * that only approval-requested's bundle carries the CodePipeline client (model-registered's does not).
 */
export function approvalGatesRuntime(): Promise<{ gates: GateWorkflow; logger: Logger }> {
  return gatesRuntime((config) => new CodePipelineApprovals(new CodePipelineClient(config)));
}
