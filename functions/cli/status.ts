/**
 * `status` against a deployed stage's state table, with your AWS credentials: reads only (GetItem,
 * Query, BatchGetItem). `status --scenario` (local-status.ts) builds the same reader
 * (functions/wiring/status.ts) on the embedded backend.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger } from '../adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';
import type { Policy } from '../config/policy';
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
  /** "Now" for ages, windows and guards (default: the system clock). */
  clock?: Clock;
}): Promise<ControllerStatus> {
  const dynamo = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
  const { table, policy } = options;
  const clock = options.clock ?? systemClock;
  try {
    const read = wireStatus(
      {
        ledger: new DynamoBatchLedger(dynamo, table, clock),
        runs: new DynamoRunStore(dynamo, table, clock),
        rollback: new DynamoRollbackStore(dynamo, table, clock),
        killSwitch: new DynamoKillSwitch(dynamo, table, { clock }),
        decisions: new DynamoDecisionLog(dynamo, table, { clock }),
      },
      { policy, clock },
    );
    return await read(holds(options));
  } finally {
    if (!options.client) dynamo.destroy();
  }
}

export const holds = (options: { holdsSince?: string }): StatusOptions =>
  options.holdsSince !== undefined ? { holdsSince: options.holdsSince } : {};
