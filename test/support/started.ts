import type { RedeployResult } from '../../functions/ports/deployments';
import type { StartResult } from '../../functions/ports/pipelines';

/** The execution id of a start that was made; a withheld start fails the test, saying why. */
export function startedExecutionId(result: StartResult): string {
  if ('withheld' in result) throw new Error(`the start was withheld: ${result.withheld}`);
  return result.executionId;
}

/** The id of a redeployment that was created; a withheld one fails the test, saying why. */
export function deploymentIdOf(result: RedeployResult): string {
  if ('withheld' in result) throw new Error(`the redeployment was withheld: ${result.withheld}`);
  return result.deploymentId;
}
