/**
 * `mlops-controller --region/--profile`: the SDK's own credential chain and region resolution,
 * exercised through the real CLI process against moto (its endpoint from AWS_ENDPOINT_URL, which
 * the SDK reads itself; the credentials only from the profile the option names).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';

const dynamo = new DynamoDBClient(awsClientConfig());
const table = uniqueName('cli-profile');
let home: string;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await new DynamoDecisionLog(dynamo, table).record({
    kind: 'retraining.start',
    subject: 'churn/3',
    outcome: 'STARTED',
    reasons: ['batch closed by marker'],
    inputs: {},
    at: new Date().toISOString(),
    id: 'cli-profile-1',
    policyVersion: '0123456789abcdef',
    actions: [],
  });
  home = mkdtempSync(join(tmpdir(), 'cli-profile-'));
  writeFileSync(join(home, 'credentials'), '[team]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  writeFileSync(join(home, 'config'), '[profile team]\nregion = us-east-1\n');
});
afterAll(() => {
  dynamo.destroy();
  rmSync(home, { recursive: true, force: true });
});

/** The CLI with no credentials or region in its environment: only the options and the files. */
function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return spawnSync(process.execPath, ['functions/cli/bin.mjs', ...args], { env, encoding: 'utf8' });
}

describe('mlops-controller --profile / --region', () => {
  it('--profile takes credentials and region from that profile (fromIni)', () => {
    const run = cli('--profile', 'team', 'decisions', '--table', table, '--json');
    expect([run.status, run.status === 0 ? '' : run.stderr]).toEqual([0, '']);
    expect(JSON.parse(run.stdout).map((d: { subject: string }) => d.subject)).toEqual(['churn/3']);
  });

  it('a profile that does not exist is an error, never another identity', () => {
    const run = cli('--profile', 'nobody', '--region', 'us-east-1', 'decisions', '--table', table);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Could not load credentials/);
  });

  it('--region overrides the profile region: the table lives in us-east-1 only', () => {
    const run = cli('--profile', 'team', '--region', 'eu-west-1', 'decisions', '--table', table);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/ResourceNotFound|not found/i);
  });
});
