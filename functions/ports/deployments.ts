import type { DeploymentInfo } from '../domain/rollback';

export interface DeploymentDetail extends DeploymentInfo {
  application: string;
  deploymentGroup: string;
  /** CodeDeploy's errorInformation (code: message) of a deployment that failed. */
  error?: string;
}

export type RedeployResult = { deploymentId: string } | { withheld: string };

/** CodeDeploy, as rollback and lifecycle hooks need it. */
export interface Deployments {
  /**
   * The group's recent deployments (in flight and succeeded) with status, creation time and
   * revision: ListDeployments + one BatchGetDeployments.
   */
  recent(application: string, group: string, since: Date): Promise<DeploymentInfo[]>;
  /** StopDeployment with autoRollbackEnabled: CodeDeploy rolls back to the previous revision. */
  stop(deploymentId: string): Promise<void>;
  /**
   * CreateDeployment of `revision` with the group's own configuration and its alarm polling turned
   * off for this deployment: the new id, or why the guardrails withheld it (nothing was created).
   */
  redeploy(application: string, group: string, revision: unknown, description: string): Promise<RedeployResult>;
  get(deploymentId: string): Promise<DeploymentDetail>;
  /** PutLifecycleEventHookExecutionStatus. */
  answerHook(deploymentId: string, hookExecutionId: string, status: 'Succeeded' | 'Failed'): Promise<void>;
}
