/**
 * `status` against a deployed stage's state table, with your AWS credentials: reads only (GetItem,
 * Query, BatchGetItem, and one DescribeModelPackage per listed registry HOLD, the newest 20). `status --scenario` (local-status.ts) builds the same reader
 * (functions/wiring/status.ts) on the embedded backend.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import { SageMakerModelRegistry } from '../adapters/aws/model-registry';
import type { Policy } from '../config/policy';
import { stateDecisionLog } from '../config/guardrails-runtime';
import type { ControllerStatus } from '../domain/status';
import { systemClock, type Clock } from '../ports/clock';
import type { StatusOptions } from '../workflows/status';
import { wireStatus } from '../wiring/status';

export async function statusOfTable(options: {
  policy: Policy;
  table: string;
  holdsSince?: string;
  /** SDK client settings (tests point them at moto; the count of calls is measured through it). */
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
  /** The registry client for the held packages' DescribeModelPackage (default: from clientConfig). */
  sagemaker?: SageMakerClient;
  /** "Now" for ages, windows and guards (default: the system clock). */
  clock?: Clock;
}): Promise<ControllerStatus> {
  const dynamo = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
  const sagemaker = options.sagemaker ?? new SageMakerClient(options.clientConfig ?? {});
  const { table, policy } = options;
  const clock = options.clock ?? systemClock;
  try {
    const killSwitch = new DynamoKillSwitch(dynamo, table, { clock });
    const read = wireStatus(
      {
        ledger: new DynamoBatchLedger(dynamo, table, clock),
        runs: new DynamoRunStore(dynamo, table, clock),
        rollback: new DynamoRollbackStore(dynamo, table, clock),
        killSwitch,
        decisions: stateDecisionLog(dynamo, table, policy, killSwitch, { clock }),
        packages: new SageMakerModelRegistry(sagemaker),
      },
      { policy, clock },
    );
    return await read(holds(options));
  } finally {
    if (!options.client) dynamo.destroy();
    if (!options.sagemaker) sagemaker.destroy();
  }
}

export const holds = (options: { holdsSince?: string }): StatusOptions =>
  options.holdsSince !== undefined ? { holdsSince: options.holdsSince } : {};
