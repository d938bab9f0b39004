import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
  type PutApprovalResultCommandInput,
} from '@aws-sdk/client-codepipeline';
import { AwsCallError } from '../../domain/errors';
import type { AnswerResult, ApprovalActionState, PipelineApprovals } from '../../ports/approvals';

/** PutApprovalResult `result.summary` limit (API reference). */
export const APPROVAL_SUMMARY_MAX = 512;

/** The exact PutApprovalResult input (shared with the memory adapter). */
export function approvalResultInput(
  target: { pipeline: string; stage: string; action: string; token: string },
  status: 'Approved' | 'Rejected',
  summary: string,
): PutApprovalResultCommandInput {
  return {
    pipelineName: target.pipeline,
    stageName: target.stage,
    actionName: target.action,
    token: target.token,
    result: {
      status,
      summary: summary.length > APPROVAL_SUMMARY_MAX ? `${summary.slice(0, APPROVAL_SUMMARY_MAX - 1)}…` : summary,
    },
  };
}

/** Answers that mean "this approval is no longer waiting for us", not a failure to retry. */
const GONE = new Set([
  'InvalidApprovalTokenException',
  'ApprovalAlreadyCompletedException',
  'ActionNotFoundException',
  'StageNotFoundException',
]);

export class CodePipelineApprovals implements PipelineApprovals {
  constructor(private readonly client: CodePipelineClient) {}

  async actionState(pipeline: string, stage: string, action: string): Promise<ApprovalActionState | undefined> {
    let response;
    try {
      response = await this.client.send(new GetPipelineStateCommand({ name: pipeline }));
    } catch (error) {
      if (error instanceof Error && error.name === 'PipelineNotFoundException') return undefined;
      throw new AwsCallError('codepipeline', 'GetPipelineState', error);
    }
    const stageState = response.stageStates?.find((s) => s.stageName === stage);
    const actionState = stageState?.actionStates?.find((a) => a.actionName === action);
    if (!stageState || !actionState) return undefined;
    const latest = actionState.latestExecution;
    return {
      ...(stageState.latestExecution?.pipelineExecutionId
        ? { executionId: stageState.latestExecution.pipelineExecutionId }
        : {}),
      ...(latest?.status ? { status: latest.status } : {}),
      ...(latest?.token ? { token: latest.token } : {}),
    };
  }

  async variables(pipeline: string, executionId: string): Promise<Record<string, string>> {
    try {
      const response = await this.client.send(
        new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
      );
      return Object.fromEntries(
        (response.pipelineExecution?.variables ?? [])
          .filter((v) => v.name)
          .map((v) => [v.name!, v.resolvedValue ?? '']),
      );
    } catch (error) {
      throw new AwsCallError('codepipeline', 'GetPipelineExecution', error);
    }
  }

  async answer(
    target: { pipeline: string; stage: string; action: string; token: string },
    status: 'Approved' | 'Rejected',
    summary: string,
  ): Promise<AnswerResult> {
    try {
      await this.client.send(new PutApprovalResultCommand(approvalResultInput(target, status, summary)));
      return { answered: true };
    } catch (error) {
      if (error instanceof Error && GONE.has(error.name)) return { answered: false, reason: error.name };
      throw new AwsCallError('codepipeline', 'PutApprovalResult', error);
    }
  }
}
