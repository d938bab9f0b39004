/** CodePipeline stage controls used by rollback (freeze) and bounded stage retry. */
export interface StageActionRun {
  stage: string;
  action: string;
  category: string;
  status: string;
}

export interface StageControl {
  /** DisableStageTransition (Inbound) with the reason shown in the console. */
  freeze(pipeline: string, stage: string, reason: string): Promise<void>;
  /** EnableStageTransition (Inbound). */
  unfreeze(pipeline: string, stage: string): Promise<void>;
  /** RetryStageExecution with FAILED_ACTIONS. */
  retry(pipeline: string, stage: string, executionId: string): Promise<void>;
  /** The actions one execution ran (ListActionExecutions): tells a rejected approval apart. */
  actions(pipeline: string, executionId: string): Promise<StageActionRun[]>;
}
