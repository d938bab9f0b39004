import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** serverless.yml function key → its handler file's base name and its role's logical id. */
export function functionsOfStack(): Array<{ key: string; handler: string; role: string }> {
  const text = readFileSync(join(process.cwd(), 'serverless.yml'), 'utf8');
  const out: Array<{ key: string; handler: string; role: string }> = [];
  for (const m of text.matchAll(
    /^ {2}(\w+):\n(?: {4}\S.*\n)*? {4}handler: functions\/handlers\/([\w-]+)\.handler\n(?: {4}.*\n)*? {4}role: !Sub '\$\{(\w+)\.Arn\}'/gm,
  ))
    out.push({ key: m[1]!, handler: m[2]!, role: m[3]! });
  if (out.length < 9) throw new Error(`iam-evaluate: read only ${out.length} functions from serverless.yml`);
  return out;
}
