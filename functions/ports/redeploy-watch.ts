/** A CodeDeploy redeployment the controller created and follows to its end (the rollback tick). */
export interface WatchedRedeploy {
  deploymentId: string;
  /** The rollback binding and its decision subject (`<binding>/codedeploy:<application>/<group>`). */
  binding: string;
  subject: string;
  application: string;
  group: string;
  platform: string;
  /** The deployment rolled back and the one whose revision was redeployed. */
  bad: string;
  good: string;
  alarm: string;
  createdAt: string;
}

/** The follow-up list on the state table. */
export interface RedeployWatch {
  /** Starts following; false when this deployment is, or was, already followed (first caller wins). */
  watch(redeploy: WatchedRedeploy): Promise<boolean>;
  /** Redeployments not finished yet. */
  pending(): Promise<WatchedRedeploy[]>;
  /** Ends the follow-up with its outcome: no longer pending, and never watched again. */
  finish(deploymentId: string, outcome: string): Promise<void>;
}
