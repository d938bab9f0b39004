/** A CodePipeline manual approval action as GetPipelineState shows it. */
export interface ApprovalActionState {
  /** The execution the action's stage is running (stage `latestExecution.pipelineExecutionId`). */
  executionId?: string;
  /** The action's latest execution status: InProgress while waiting for an answer. */
  status?: string;
  /** Present while the approval waits for an answer. */
  token?: string;
}

export type AnswerResult = { answered: true } | { answered: false; reason: string };

/** CodePipeline approval actions: find the token, read the execution's variables, answer. */
export interface PipelineApprovals {
  /** The action's state; undefined when the pipeline, stage or action does not exist. */
  actionState(pipeline: string, stage: string, action: string): Promise<ApprovalActionState | undefined>;
  /** Resolved V2 pipeline variables of an execution (GetPipelineExecution). */
  variables(pipeline: string, executionId: string): Promise<Record<string, string>>;
  /** PutApprovalResult; an expired, unknown or already answered token is `answered: false`. */
  answer(
    target: { pipeline: string; stage: string; action: string; token: string },
    status: 'Approved' | 'Rejected',
    summary: string,
  ): Promise<AnswerResult>;
}
