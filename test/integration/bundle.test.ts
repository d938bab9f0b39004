/**
 * The shipped bundle, not the TypeScript: built with serverless.yml's esbuild options (bundled
 * policy, environment credentials in place of the SDK default chain), run in a fresh `node` with
 * only what Lambda provides (region, role credentials in the environment, STATE_TABLE), against moto.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { repoRoot } from '../bench/bundles';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';

const INVOKE = `
const m = await import(process.argv[1]);
await m.handler(JSON.parse(process.argv[2]), { functionName: 'bundle-test', awsRequestId: 'r1' });
`;

describe('the executionFinished bundle', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    // esbuild in a child: the policy plugin loads policy.ts through tsx, which jest would intercept.
    file = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import * as esbuild from 'esbuild';
         import { esbuildOptions } from ${JSON.stringify(join(repoRoot, 'test/bench/bundles.ts'))};
         const r = await esbuild.build({ ...esbuildOptions(), absWorkingDir: ${JSON.stringify(repoRoot)},
           entryPoints: ['functions/handlers/execution-finished.ts'], outdir: ${JSON.stringify(dir)}, metafile: true, logLevel: 'silent' });
         process.stdout.write(Object.keys(r.metafile.outputs)[0]);`,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    file = join(repoRoot, file);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records an ignored decision in the state table, signed with the environment credentials', async () => {
    const dynamo = new DynamoDBClient(awsClientConfig());
    const table = uniqueName('bundle');
    await createStateTable(dynamo, table);
    const event = loadFixture('codepipeline-stage-execution-state-change.stopped.json');

    const run = spawnSync(process.execPath, ['--input-type=module', '-e', INVOKE, file, JSON.stringify(event)], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        AWS_ENDPOINT_URL: motoEndpoint(),
        STATE_TABLE: table,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });
    expect(run.stderr).not.toMatch(/credential/i);
    expect(run.status).toBe(0);

    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    expect(Items.map((i) => [i.kind?.S, i.subject?.S, i.outcome?.S])).toEqual([
      ['retraining.ignore', `event/${event.id}`, 'IGNORED'],
    ]);
  });
});
