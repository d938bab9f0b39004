/**
 * `quarantine release|drop <rule> <batch>` against a deployed stage, with your AWS credentials: the
 * retraining workflow on the functions' own adapters and guardrails (observe mode, the kill
 * switch), so a release starts the batch exactly as the sweeper would, and records who and why.
 */
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Policy } from '../config/policy';
import { retrainingPorts, type RetrainingClients } from '../config/retraining-runtime';
import { Guardrails } from '../guardrails';
import { systemClock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { QuarantineResult } from '../workflows/retraining/quarantine';
import { wireRetraining } from '../wiring/retraining';

export async function quarantine(options: {
  act: 'release' | 'drop';
  policy: Policy;
  table: string;
  rule: string;
  seq: number;
  reason: string;
  by: string;
  logger: Logger;
  /** SDK client settings (tests point them at moto); default: the environment's. */
  clientConfig?: Record<string, unknown>;
}): Promise<QuarantineResult> {
  const config = options.clientConfig ?? {};
  const clients: RetrainingClients = {
    dynamo: new DynamoDBClient(config),
    s3: new S3Client(config),
    codepipeline: new CodePipelineClient(config),
    sagemaker: new SageMakerClient(config),
  };
  const { policy, table, logger } = options;
  try {
    // Read fresh at every write: a pause set a moment ago applies to this command too.
    const killSwitch = new DynamoKillSwitch(clients.dynamo, table, { cacheSeconds: 0 });
    const guardrails = new Guardrails({ policy, killSwitch, logger, clock: systemClock });
    const workflow = wireRetraining(retrainingPorts(policy, table, clients, killSwitch), {
      policy,
      clock: systemClock,
      logger,
      guardrails,
    });
    const why = `${options.reason} (${options.by}, mlops-controller quarantine ${options.act})`;
    return options.act === 'release'
      ? await workflow.releaseQuarantined(options.rule, options.seq, why)
      : await workflow.dropQuarantined(options.rule, options.seq, why);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
