/**
 * Workflow entry → the functions whose handlers run it (functions/handlers/*.ts). A shared entry
 * must be allowed for each of them. `RollbackWorkflow.unfreeze` is the operator CLI's (its own
 * credentials), so it has no function.
 */
export const ENTRIES: Record<string, Record<string, string[]>> = {
  RollbackWorkflow: {
    onAlarm: ['alarmRollback'],
    tick: ['alarmRollback'],
    onEndpoint: ['endpointTracker'],
    ignore: ['alarmRollback', 'endpointTracker'],
    unfreeze: [],
  },
  RetrainingWorkflow: {
    onObjects: ['dataArrived'],
    onExecutionFinished: ['executionFinished'],
    sweep: ['sweeper'],
    ignore: ['dataArrived', 'executionFinished'],
    // Reached from onObjects and sweep (tryClose), from all three (startDue), from sweep (startNow).
    tryClose: ['dataArrived', 'sweeper'],
    startDue: ['dataArrived', 'executionFinished', 'sweeper'],
    startNow: ['sweeper'],
  },
  GateWorkflow: {
    onModelPackage: ['registryGate'],
    onApprovalStarted: ['approvalGate'],
    onApprovalNotification: ['approvalGate'],
    record: ['registryGate', 'approvalGate'],
    evaluate: ['registryGate', 'approvalGate'],
  },
  DeploymentHookWorkflow: { onHook: ['deploymentHook'] },
  StageRetryWorkflow: { onStageFailed: ['stageRetry'], ignore: ['stageRetry'] },
};
