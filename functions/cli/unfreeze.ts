import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CodePipelineStages } from '../adapters/aws/codepipeline-stages';
import { DynamoRollbackStore } from '../adapters/aws/dynamodb/rollback-store';
import type { Policy } from '../config/policy';
import { stateDecisionLog } from '../config/guardrails-runtime';
import { ControllerError } from '../domain/errors';
import { systemClock } from '../ports/clock';
import type { Deployments } from '../ports/deployments';
import type { Logger } from '../ports/logger';
import { wireRollback } from '../wiring/rollback';

/** Ports an unfreeze never touches: calling one is a bug, said loudly. */
const unused = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: () => () => Promise.reject(new ControllerError(`unfreeze does not use ${name}`)),
  });

/**
 * `mlops-controller unfreeze <pipeline> <stage>`: a person re-enables promotions after looking.
 * Runs against AWS with the caller's credentials: EnableStageTransition, then the freeze record on
 * the state table (STATE_TABLE or --table) is cleared and the decision recorded with who did it.
 */
export async function unfreeze(options: {
  policy: Policy;
  pipeline: string;
  stage: string;
  table: string;
  by: string;
  logger: Logger;
  /** SDK client settings (tests point them at moto); default: the environment's. */
  clientConfig?: Record<string, unknown>;
}): Promise<boolean> {
  const dynamo = new DynamoDBClient(options.clientConfig ?? {});
  const workflow = wireRollback(
    {
      store: new DynamoRollbackStore(dynamo, options.table),
      stages: new CodePipelineStages(new CodePipelineClient(options.clientConfig ?? {})),
      decisions: stateDecisionLog(dynamo, options.table, options.policy),
      deployments: unused<Deployments>('CodeDeploy'),
      endpoints: unused('SageMaker endpoints'),
      alarms: unused('CloudWatch'),
      packages: unused('the model registry'),
    },
    { policy: options.policy, clock: systemClock, logger: options.logger },
  );
  return workflow.unfreeze(options.pipeline, options.stage, `unfrozen by ${options.by} (mlops-controller unfreeze)`);
}
