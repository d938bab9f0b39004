/**
 * The two model-registry operations rollback and hooks need. Kept apart from the gates' registry
 * port on purpose (the lead folds them together later).
 */
export interface PackageStatus {
  /** ModelApprovalStatus of the package, or undefined if it does not exist. */
  approval(modelPackageArn: string): Promise<string | undefined>;
  /** UpdateModelPackage → Rejected with the reason as ApprovalDescription. */
  reject(modelPackageArn: string, reason: string): Promise<void>;
}
