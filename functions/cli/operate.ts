/**
 * The operator commands against a deployed stage, with your AWS credentials: redrive (replays a DLQ
 * through the same handler code, in this process), decisions (lists the decision records), pause
 * and resume (the kill switch).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { DynamoDecisionLog } from '../adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';
import type { Decision } from '../ports/decision-log';
import type { DecisionQuery } from '../ports/decision-history';
import { redrive, type FunctionKey, type RedriveReport } from './redrive';
import { readFileSync } from 'node:fs';
import { parsePolicyText } from '../config/policy';
import { usePolicy } from '../config/runtime';

const HANDLER_FILES: Record<FunctionKey, string> = {
  dataArrived: 'data-arrived',
  executionFinished: 'execution-finished',
  sweeper: 'sweeper',
  registryGate: 'model-registered',
  approvalGate: 'approval-requested',
  alarmRollback: 'alarm-fired',
  endpointTracker: 'endpoint-changed',
  deploymentHook: 'deployment-hook',
  stageRetry: 'stage-failed',
};

const context = (fn: string): Context =>
  ({
    functionName: `mlops-controller-redrive-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:mlops-controller-redrive-${fn}`,
    memoryLimitInMB: '256',
    awsRequestId: `redrive-${Date.now()}`,
    logGroupName: 'redrive',
    logStreamName: 'redrive',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 600_000,
  }) as unknown as Context;

/** Replays through the deployed functions' handler code, run here with the given policy and table. */
export async function redriveWithHandlers(options: {
  queue: string;
  table: string;
  policyFile: string;
  max?: number;
  dryRun?: boolean;
}): Promise<RedriveReport> {
  process.env.STATE_TABLE = options.table;
  usePolicy(parsePolicyText(readFileSync(options.policyFile, 'utf8')));
  return redrive({
    sqs: new SQSClient({}),
    queue: options.queue,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    log: (line) => console.log(line),
    dispatch: async (fn, event) => {
      const module = (await import(`../handlers/${HANDLER_FILES[fn]}.ts`)) as {
        handler: (event: unknown, context: Context) => Promise<unknown>;
      };
      const result = (await module.handler(event, context(fn))) as { batchItemFailures?: unknown[] } | undefined;
      if (result?.batchItemFailures?.length) throw new Error(`${fn} reported the record failed`);
      return result;
    },
  });
}

/** `clientConfig`: default, your AWS credentials and region (tests point it at moto). */
export async function listDecisions(
  options: DecisionQuery & { table: string; clientConfig?: DynamoDBClientConfig },
): Promise<Decision[]> {
  const { table, clientConfig, ...query } = options;
  const dynamo = new DynamoDBClient(clientConfig ?? {});
  try {
    return await new DynamoDecisionLog(dynamo, table).list(query);
  } finally {
    dynamo.destroy();
  }
}

export async function setPaused(
  table: string,
  paused: boolean,
  by: string,
  reason?: string,
  clientConfig: DynamoDBClientConfig = {},
): Promise<void> {
  await new DynamoKillSwitch(new DynamoDBClient(clientConfig), table).set({
    paused,
    by,
    ...(reason ? { reason } : {}),
  });
}

/** A readable table: time, kind, subject, outcome, actions, the first reason's first line. */
export function decisionTable(decisions: readonly Decision[]): string {
  const rows = decisions.map((d) => [
    d.at.slice(0, 19).replace('T', ' '),
    d.kind,
    d.subject.length > 40 ? `…${d.subject.slice(-39)}` : d.subject,
    d.outcome,
    (d.actions ?? []).map((a) => `${a.status === 'withheld' ? '⊘' : '▶'}${a.operation}`).join(' ') || '-',
    // A gate's reason has a line per check after its verdict line: one row per decision.
    (d.reasons[0] ?? '').split('\n', 1)[0] ?? '',
  ]);
  const header = ['AT (UTC)', 'KIND', 'SUBJECT', 'OUTCOME', 'ACTIONS', 'WHY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)).valueOf());
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.min(widths[i] ?? 0, 60)))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
