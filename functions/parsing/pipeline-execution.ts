import * as z from 'zod/mini';
import { eventId, notUnderstood, one, type Origin, type Parsed } from './parsed';
import type { TargetType } from '../config/policy';

/**
 * "CodePipeline Pipeline Execution State Change" / "SageMaker Model Building Pipeline Execution
 * Status Change" / "Step Functions Execution Status Change" / "CodeBuild Build State Change", any
 * state. `ended` says whether the state is terminal; the handler checks the
 * origin first, so a foreign event is recorded even when it has not ended.
 */
export interface ExecutionStateChange {
  id: string;
  origin: Origin;
  /** A state machine is also named by its ARN: rules match on it. */
  target: { type: TargetType; name: string; stateMachineArn?: string };
  executionId: string;
  status: string;
  ended: boolean;
}

const codePipelineFinished = z.object({
  id: z.string(),
  source: z.literal('aws.codepipeline'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipeline: z.string().check(z.minLength(1)),
    'execution-id': z.string().check(z.minLength(1)),
    state: z.string(),
  }),
});

const sageMakerFinished = z.object({
  id: z.string(),
  source: z.literal('aws.sagemaker'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    pipelineArn: z.string().check(z.minLength(1)),
    pipelineExecutionArn: z.string().check(z.minLength(1)),
    currentPipelineExecutionStatus: z.string(),
  }),
});

const stepFunctionsFinished = z.object({
  id: z.string(),
  source: z.literal('aws.states'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    stateMachineArn: z.string().check(z.minLength(1)),
    status: z.string(),
  }),
});

const codeBuildFinished = z.object({
  id: z.string(),
  source: z.literal('aws.codebuild'),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  detail: z.object({
    'project-name': z.string().check(z.minLength(1)),
    /** The build's ARN (`arn:aws:codebuild:r:a:build/<project>:<uuid>`), as StartBuild's `build.arn`. */
    'build-id': z.string().check(z.minLength(1)),
    'build-status': z.string(),
  }),
});

// CodePipeline's event states are upper case and spell it CANCELED (its API's status is
// "Cancelled"); SageMaker's are PascalCase.
const TERMINAL = new Set([
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
  'SUPERSEDED',
  'CANCELED',
  'Succeeded',
  'Failed',
  'Stopped',
]);
// Step Functions: RUNNING until one of these (developer guide, "Step Functions event examples").
const SFN_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
// CodeBuild: IN_PROGRESS until one of these (StatusType in the CodeBuild API).
const CODEBUILD_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED']);

const originOf = (e: { account?: string | undefined; region?: string | undefined }): Origin => ({
  account: e.account,
  region: e.region,
});

export function parseExecutionStateChange(event: unknown): Parsed<ExecutionStateChange> {
  const invalid = () =>
    notUnderstood<ExecutionStateChange>(
      { via: 'unknown', id: eventId(event) },
      'not a CodePipeline, SageMaker, Step Functions or CodeBuild execution state change',
    );
  const cp = codePipelineFinished.safeParse(event);
  if (cp.success) {
    const status = cp.data.detail.state;
    return one({
      id: cp.data.id,
      origin: originOf(cp.data),
      target: { type: 'codepipeline', name: cp.data.detail.pipeline },
      executionId: cp.data.detail['execution-id'],
      status,
      ended: TERMINAL.has(status),
    });
  }
  const sfn = stepFunctionsFinished.safeParse(event);
  if (sfn.success) {
    const { stateMachineArn, executionArn, status } = sfn.data.detail;
    // arn:aws:states:region:account:stateMachine:<name>
    const name = stateMachineArn.split(':')[6] ?? '';
    if (!name || stateMachineArn.split(':')[5] !== 'stateMachine') return invalid();
    return one({
      id: sfn.data.id,
      origin: originOf(sfn.data),
      target: { type: 'stepfunctions', name, stateMachineArn },
      executionId: executionArn,
      status,
      ended: SFN_TERMINAL.has(status),
    });
  }
  const cb = codeBuildFinished.safeParse(event);
  if (cb.success) {
    const status = cb.data.detail['build-status'];
    return one({
      id: cb.data.id,
      origin: originOf(cb.data),
      target: { type: 'codebuild', name: cb.data.detail['project-name'] },
      executionId: cb.data.detail['build-id'],
      status,
      ended: CODEBUILD_TERMINAL.has(status),
    });
  }
  const sm = sageMakerFinished.safeParse(event);
  if (!sm.success) return invalid();
  // arn:aws:sagemaker:region:account:pipeline/<name>
  const name = sm.data.detail.pipelineArn.split(':pipeline/')[1] ?? '';
  if (!name) return invalid();
  const status = sm.data.detail.currentPipelineExecutionStatus;
  return one({
    id: sm.data.id,
    origin: originOf(sm.data),
    target: { type: 'sagemaker', name },
    executionId: sm.data.detail.pipelineExecutionArn,
    status,
    ended: TERMINAL.has(status),
  });
}
