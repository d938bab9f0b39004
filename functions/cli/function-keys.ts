/** The functions of serverless.yml, by their keys there (redrive routes to them, simulate's `to:` names them). */
export const FUNCTION_KEYS = [
  'dataArrived',
  'executionFinished',
  'sweeper',
  'registryGate',
  'approvalGate',
  'alarmRollback',
  'endpointTracker',
  'deploymentHook',
  'stageRetry',
] as const;

export type FunctionKey = (typeof FUNCTION_KEYS)[number];
