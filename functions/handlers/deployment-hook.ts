import type { Context } from 'aws-lambda';
import { parseLifecycleHook } from '../parsing/codedeploy';
import type { Logger } from '../ports/logger';
import type { DeploymentHookWorkflow } from '../workflows/deployment-hook';
import { lambdaHandler } from '../config/runtime';
import { hookRuntime } from '../config/rollback-runtime';

/** Time kept back from the Lambda's remaining time to send the answer and record the decision. */
export const ANSWER_MARGIN_MS = 3_000;
/** Without a Lambda context (local runs): the checks get this long. */
const DEFAULT_BUDGET_MS = 25_000;

/**
 * CodeDeploy BeforeAllowTraffic / AfterAllowTraffic hook. The check budget is the Lambda's own
 * remaining time minus a margin, so the answer goes out before the function times out.
 */
export function deploymentHook(workflow: DeploymentHookWorkflow, logger: Logger) {
  return async (
    event: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'functionName'>>,
  ): Promise<void> => {
    const { commands, invalid } = parseLifecycleHook(event);
    // Without both ids there is nobody to answer: log loudly; CodeDeploy times the hook out.
    for (const { reason } of invalid)
      logger.error('not a CodeDeploy lifecycle hook event; ignored', { problem: reason });
    const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_BUDGET_MS + ANSWER_MARGIN_MS;
    for (const hook of commands)
      await workflow.onHook(
        hook.deploymentId,
        hook.hookExecutionId,
        Math.max(0, remaining - ANSWER_MARGIN_MS),
        context?.functionName,
      );
  };
}

export const handler = lambdaHandler(async () => {
  const rt = await hookRuntime();
  return deploymentHook(rt.hooks, rt.logger);
});
