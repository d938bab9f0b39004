/**
 * `mlops-controller status` against a state table on moto: the state written by the DynamoDB
 * adapters the functions use, read back by the status reader, and the calls one status makes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoBatchLedger } from '../../functions/adapters/aws/dynamodb/ledger';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../../functions/adapters/aws/dynamodb/run-store';
import { statusOfTable } from '../../functions/cli/status';
import { validatePolicy } from '../../functions/config/policy';
import type { Clock } from '../../functions/ports/clock';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { HELD_PACKAGE, NOW, at, seedStatusWorld, statusPolicyDocument } from '../support/status-world';

const dynamo = new DynamoDBClient(awsClientConfig());
afterAll(() => dynamo.destroy());

const clock: Clock = { now: () => new Date(NOW), sleep: async () => {} };
const PKG = HELD_PACKAGE;
const policy = validatePolicy(statusPolicyDocument());

describe('mlops-controller status (DynamoDB on moto)', () => {
  const table = uniqueName('status-cli');
  beforeAll(async () => {
    await createStateTable(dynamo, table);
    await seedStatusWorld({
      ledger: new DynamoBatchLedger(dynamo, table, clock),
      runs: new DynamoRunStore(dynamo, table, clock),
      rollback: new DynamoRollbackStore(dynamo, table, clock),
      killSwitch: new DynamoKillSwitch(dynamo, table),
      decisions: new DynamoDecisionLog(dynamo, table, { clock }),
    });
  });

  it('reads every section back from the table with Query, GetItem and BatchGetItem only', async () => {
    const client = new DynamoDBClient(awsClientConfig());
    const counted = countCalls(client);
    try {
      const status = await statusOfTable({ policy, table, client, clock });
      expect(status.rules).toEqual([
        expect.objectContaining({
          rule: 'churn',
          open: expect.objectContaining({ objects: 4, bytes: 4000, ageSeconds: 300 }),
          waiting: [expect.objectContaining({ seq: 3, status: 'DEFERRED' })],
          quarantined: [expect.objectContaining({ seq: 1, reason: 'churn/x.csv: missing columns label' })],
          guard: expect.objectContaining({
            running: expect.objectContaining({ seq: 2, executionId: 'arn:aws:codepipeline:exec/e-2' }),
            cooldownUntil: at('10:20:00'),
            startsToday: 2,
          }),
        }),
        expect.objectContaining({ rule: 'ranking', waiting: [], quarantined: [] }),
      ]);
      expect(status.rules[0]!.open!.closes).toMatchObject({ first: 'maxObjects' });
      expect(status.freezes).toEqual([
        expect.objectContaining({ pipeline: 'ranking-deploy', alarms: ['ranking-p99'] }),
      ]);
      expect(status.killSwitch).toMatchObject({ paused: true, by: 'alice' });
      expect(status.holds.map((h) => h.subject)).toEqual([PKG]);

      const byOperation = counted.calls.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
      // Per rule: the ledger's 4 lane heads (Query) and its probe (BatchGetItem), the first
      // pending chunks (churn only), the guard, the batches (Query), the running batch (churn);
      // then the freezes (Query), the kill switch, and one Query per day of the 7-day HOLD window (8).
      expect(byOperation).toEqual({
        'DynamoDB.Query': 4 + 1 + 4 + 1 + 1 + 8,
        'DynamoDB.BatchGetItem': 2 + 1,
        'DynamoDB.GetItem': 2 + 1 + 1,
      });
      expect(counted.calls).toHaveLength(26);
    } finally {
      client.destroy();
    }
  });

  it('the CLI prints the screen and the JSON from the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-cli-'));
    try {
      const policyFile = join(dir, 'policy.json');
      writeFileSync(policyFile, JSON.stringify(statusPolicyDocument()));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ENDPOINT_URL: motoEndpoint(),
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      const run = (...args: string[]) =>
        spawnSync(
          process.execPath,
          ['functions/cli/bin.mjs', 'status', '--table', table, '--policy', policyFile, ...args],
          {
            env,
            encoding: 'utf8',
          },
        );
      // The process's "now" is the real time: the HOLD of 2026-11-22 is inside this window only.
      const screen = run('--holds-since', '2026-11-01T00:00:00Z');
      expect([screen.status, screen.status === 0 ? '' : screen.stderr]).toEqual([0, '']);
      const hold = screen.stdout.split('\n').find((l) => l.startsWith('2026-11-22 08:00:00'));
      expect(hold?.split(/\s{2,}/)).toEqual([
        '2026-11-22 08:00:00',
        'gate.registry',
        PKG,
        'HOLD by gate churn-quality: warning check did not pass',
      ]);
      expect(screen.stdout).toContain('KILL SWITCH  PAUSED by alice');
      expect(screen.stdout).toMatch(/^churn\s+4 obj, 3\.9 KiB, age \d+/m);
      expect(screen.stdout).toMatch(
        /^churn\s+1\s+QUARANTINED\s+12\s+12 KiB\s+2026-11-22 09:40:00\s+churn\/x\.csv: missing columns label$/m,
      );
      expect(screen.stdout).toMatch(/^ranking-deploy\/Production\s+ranking-live\s+ranking-p99\s/m);
      const json = run('--json');
      expect(json.status).toBe(0);
      const parsed = JSON.parse(json.stdout) as { rules: Array<{ rule: string }>; killSwitch: { paused: boolean } };
      expect([parsed.rules.map((r) => r.rule), parsed.killSwitch.paused]).toEqual([['churn', 'ranking'], true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
