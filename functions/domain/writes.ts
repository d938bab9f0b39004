/**
 * The write calls the controller makes, named once: the guardrails guard each call under this
 * name, and a write-ahead decision (DecisionLog.commit) plans its writes under the same name, so the
 * guard recognises a write its decision already recorded.
 */
import type { PlannedWrite } from '../ports/decision-log';
import type { TargetType } from '../config/policy';
import { packageGroupOf } from './modes';

/** Each target type's start call, by its API names (the SDK client's name for Step Functions). */
const START: Record<TargetType, Pick<PlannedWrite, 'service' | 'operation'>> = {
  codepipeline: { service: 'codepipeline', operation: 'StartPipelineExecution' },
  sagemaker: { service: 'sagemaker', operation: 'StartPipelineExecution' },
  stepfunctions: { service: 'sfn', operation: 'StartExecution' },
  codebuild: { service: 'codebuild', operation: 'StartBuild' },
};

export const writes = {
  startPipeline: (type: TargetType, name: string): PlannedWrite => ({
    ...START[type],
    resource: name,
    target: { kind: 'pipeline', type, name },
  }),
  updateModelPackage: (arn: string): PlannedWrite => ({
    service: 'sagemaker',
    operation: 'UpdateModelPackage',
    resource: arn,
    target: { kind: 'modelPackage', group: packageGroupOf(arn) ?? '' },
  }),
  answerApproval: (pipeline: string, stage: string, action: string): PlannedWrite => ({
    service: 'codepipeline',
    operation: 'PutApprovalResult',
    resource: `${pipeline}/${stage}/${action}`,
    target: { kind: 'approval', pipeline, stage, action },
  }),
  stopDeployment: (id: string, application: string, group: string): PlannedWrite => ({
    service: 'codedeploy',
    operation: 'StopDeployment',
    resource: id,
    target: { kind: 'deploymentGroup', application, group },
  }),
  createDeployment: (application: string, group: string): PlannedWrite => ({
    service: 'codedeploy',
    operation: 'CreateDeployment',
    resource: `${application}/${group}`,
    target: { kind: 'deploymentGroup', application, group },
  }),
  updateEndpoint: (name: string, config: string): PlannedWrite => ({
    service: 'sagemaker',
    operation: 'UpdateEndpoint',
    resource: `${name} -> ${config}`,
    target: { kind: 'endpoint', name },
  }),
  stageTransition: (
    operation: 'DisableStageTransition' | 'EnableStageTransition',
    pipeline: string,
    stage: string,
  ): PlannedWrite => ({
    service: 'codepipeline',
    operation,
    resource: `${pipeline}/${stage}`,
    target: { kind: 'stageTransition', pipeline, stage },
  }),
  retryStage: (pipeline: string, stage: string): PlannedWrite => ({
    service: 'codepipeline',
    operation: 'RetryStageExecution',
    resource: `${pipeline}/${stage}`,
    target: { kind: 'stageRetry', pipeline, stage },
  }),
};

/** Identifies one write call: service, operation and resource. */
export const writeKey = (w: Pick<PlannedWrite, 'service' | 'operation' | 'resource'>): string =>
  `${w.service}\u0000${w.operation}\u0000${w.resource}`;
