import { approvalResultInput } from '../aws/codepipeline-approvals';
import type { AnswerResult, ApprovalActionState, PipelineApprovals } from '../../ports/approvals';
import { gatesState, type StoredApproval } from './gates-world';
import type { MemoryWorld } from './world';

/**
 * CodePipeline approval actions for the embedded backend. An action shows the latest execution
 * that reached it; its token stays hidden for `hiddenReads` reads, as a real token can lag the event.
 */
export class MemoryPipelineApprovals implements PipelineApprovals {
  constructor(private readonly world: MemoryWorld) {}

  private latest(pipeline: string, stage: string, action: string): StoredApproval | undefined {
    return gatesState(this.world)
      .approvals.filter((a) => a.pipeline === pipeline && a.stage === stage && a.action === action)
      .at(-1);
  }

  async actionState(pipeline: string, stage: string, action: string): Promise<ApprovalActionState | undefined> {
    const a = this.latest(pipeline, stage, action);
    if (!a) return undefined;
    const hidden = a.hiddenReads > 0;
    if (hidden) a.hiddenReads -= 1;
    return {
      executionId: a.executionId,
      status: a.status,
      ...(!hidden && a.status === 'InProgress' ? { token: a.token } : {}),
    };
  }

  async variables(pipeline: string, executionId: string): Promise<Record<string, string>> {
    const a = gatesState(this.world).approvals.find((x) => x.pipeline === pipeline && x.executionId === executionId);
    if (!a)
      throw Object.assign(new Error(`simulated PipelineExecutionNotFoundException: ${executionId}`), {
        name: 'PipelineExecutionNotFoundException',
      });
    return { ...a.variables };
  }

  async answer(
    target: { pipeline: string; stage: string; action: string; token: string },
    status: 'Approved' | 'Rejected',
    summary: string,
  ): Promise<AnswerResult> {
    const a = gatesState(this.world).approvals.find(
      (x) =>
        x.pipeline === target.pipeline &&
        x.stage === target.stage &&
        x.action === target.action &&
        x.token === target.token,
    );
    if (!a) return { answered: false, reason: 'InvalidApprovalTokenException' };
    if (a.status !== 'InProgress') return { answered: false, reason: 'ApprovalAlreadyCompletedException' };
    this.world.record('codepipeline', 'PutApprovalResult', { ...approvalResultInput(target, status, summary) });
    a.status = status === 'Approved' ? 'Succeeded' : 'Failed';
    return { answered: true };
  }
}
