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

const dynamo = new DynamoDBClient(awsClientConfig());
afterAll(() => dynamo.destroy());

const at = (hms: string) => `2026-11-22T${hms}.000Z`;
const clock: Clock = { now: () => new Date(at('10:10:00')), sleep: async () => {} };
const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';
const policyDocument = {
  version: 1,
  controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'm' } },
  retraining: [
    {
      name: 'churn',
      source: { bucket: 'data', prefix: 'churn/' },
      target: { type: 'codepipeline', name: 'churn-train' },
      trigger: { maxObjects: 10, quietSeconds: 600 },
      guards: { cooldownSeconds: 1800, dailyCap: 4 },
    },
    {
      name: 'ranking',
      source: { bucket: 'data', prefix: 'ranking/' },
      target: { type: 'sagemaker', name: 'ranking-train' },
      trigger: { marker: '_SUCCESS' },
    },
  ],
  rollback: [
    {
      name: 'ranking-live',
      alarms: { names: ['ranking-p99'] },
      freeze: { pipeline: 'ranking-deploy', stage: 'Production' },
    },
  ],
};
const policy = validatePolicy(structuredClone(policyDocument));

describe('mlops-controller status (DynamoDB on moto)', () => {
  const table = uniqueName('status-cli');
  beforeAll(async () => {
    await createStateTable(dynamo, table);
    const ledger = new DynamoBatchLedger(dynamo, table, clock);
    const object = (key: string) => ({ bucket: 'data', key: `churn/${key}`, size: 1000, etag: `e-${key}` });
    await ledger.append('churn', [object('a.csv')], new Date(at('10:05:00')));
    await ledger.append('churn', [object('b.csv'), object('c.csv')], new Date(at('10:07:00')));
    await ledger.append('churn', [object('d.csv')], new Date(at('10:08:00')));
    const runs = new DynamoRunStore(dynamo, table, clock);
    const batch = { rule: 'churn', objects: 12, bytes: 12_000, closedAt: at('09:40:00'), updatedAt: at('09:40:00') };
    await runs.putBatch({ ...batch, seq: 1, status: 'QUARANTINED', reason: 'churn/x.csv: missing columns label' });
    await runs.putBatch({ ...batch, seq: 2, status: 'STARTED', executionId: 'e-2' });
    await runs.putBatch({ ...batch, seq: 3, status: 'DEFERRED', reason: 'batch 2 is still running' });
    await runs.swapGuard(
      'churn',
      { version: 0, startsToday: 0, nextSeq: 0 },
      {
        lastStartAt: at('09:50:00'),
        day: '2026-11-22',
        startsToday: 2,
        running: { seq: 2, since: at('09:50:00') },
        nextSeq: 3,
      },
    );
    await new DynamoRollbackStore(dynamo, table, clock).putFreeze({
      pipeline: 'ranking-deploy',
      stage: 'Production',
      binding: 'ranking-live',
      alarms: ['ranking-p99'],
      since: at('09:30:00'),
    });
    await new DynamoKillSwitch(dynamo, table).set({
      paused: true,
      by: 'alice',
      reason: 'incident 42',
      at: at('10:00:00'),
    });
    const decisions = new DynamoDecisionLog(dynamo, table, { clock });
    await decisions.record({
      kind: 'gate.registry',
      subject: PKG,
      outcome: 'HOLD',
      reasons: ['HOLD by gate churn-quality: warning check did not pass'],
      inputs: { package: PKG },
      at: at('08:00:00'),
    });
    await decisions.record({
      kind: 'retraining.start',
      subject: 'churn/2',
      outcome: 'STARTED',
      reasons: ['guards clear'],
      inputs: {},
      at: at('09:50:00'),
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
            running: expect.objectContaining({ seq: 2, executionId: 'e-2' }),
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
      writeFileSync(policyFile, JSON.stringify(policyDocument));
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
