/** `mlops-controller validate` as a user runs it: bin.mjs, the built CLI, its output and exit code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT } from '../../../../functions/cli/commands/validate';

let dir: string;
let denySdk: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
  // A resolve hook refusing every AWS SDK module: what --help and offline validate must never load.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "export async function resolve(s, c, next) { if (s.startsWith('@aws-sdk/')) throw new Error('SDK loaded: ' + s); return next(s, c); }\n",
  );
  denySdk = join(dir, 'deny-sdk.mjs');
  writeFileSync(
    denySdk,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], nodeArgs: string[] = []) =>
  spawnSync(process.execPath, [...nodeArgs, 'functions/cli/bin.mjs', ...args], {
    encoding: 'utf8',
    // No credentials and no endpoint: --aws must fail on the hook before it could call anything.
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
  });

const withWarning = () => {
  const file = join(dir, 'two-rules-one-pipeline.yml');
  writeFileSync(
    file,
    readFileSync('controller.yml', 'utf8')
      .replace('name: ranking-training', 'name: churn-retrain')
      .replace('type: sagemaker', 'type: codepipeline')
      .replace('manifestParameter: ManifestUri', 'manifestVariable: MANIFEST_URI')
      .replace('parameters: { InstanceType: ml.m5.2xlarge }', 'variables: { InstanceType: ml.m5.2xlarge }'),
  );
  return file;
};

describe('mlops-controller validate', () => {
  it('prints warnings and still exits 0', () => {
    const run = cli(['validate', withWarning()]);
    expect(run.stderr).toContain(
      'warning: retraining[1].target: ranking starts the codepipeline pipeline churn-retrain, as retraining[0] (churn) does',
    );
    expect(run.stdout).toContain(
      'valid (2 retraining rules, 2 gates, 3 rollback bindings, 1 lifecycle-hook checks, 1 stage-retry rules); 1 warning(s)',
    );
    expect(run.status).toBe(EXIT.valid);
  });

  it('--strict makes warnings fail with exit 2', () => {
    expect(cli(['validate', '--strict', withWarning()]).status).toBe(EXIT.warnings);
    expect(cli(['validate', '--strict', 'controller.yml']).status).toBe(EXIT.valid);
  });

  it('an error exits 1, with its path and what to write', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, readFileSync(withWarning(), 'utf8').replace('prefix: churn/daily/', 'prefix: /churn/daily/'));
    const run = cli(['validate', file]);
    expect(run.status).toBe(EXIT.invalid);
    expect(run.stderr).toContain(
      `${file}: policy is invalid:\n  retraining[0].source.prefix: starts with "/", but S3 keys in events do not, so nothing would match: write prefix: churn/daily/`,
    );
  });

  it('--help and offline validate load no AWS SDK module; --aws does', () => {
    const help = cli(['--help'], ['--import', denySdk]);
    expect([help.status, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('validate [options] <file>');
    const offline = cli(['validate', 'controller.yml'], ['--import', denySdk]);
    expect([offline.status, offline.stderr]).toEqual([0, '']);
    // The hook does bite: --aws loads the SDK clients, lazily, and only then.
    const aws = cli(['validate', '--aws', 'controller.yml'], ['--import', denySdk]);
    expect(aws.status).not.toBe(0);
    expect(aws.stderr).toMatch(/SDK loaded: @aws-sdk\/client-/);
  });

  it('--aws: a resource it cannot reach is "not checked", never a pass, and exits 3', () => {
    // Nothing listens on port 9: every lookup fails to connect (one attempt each).
    const run = spawnSync(process.execPath, ['functions/cli/bin.mjs', 'validate', '--aws', 'controller.yml'], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_MAX_ATTEMPTS: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    expect(run.status).toBe(EXIT.unchecked);
    expect(run.stderr).toMatch(/^not checked: retraining\[0\]\.target\.name: CodePipeline pipeline churn-retrain: /m);
    expect(run.stderr).toMatch(
      /^not checked: hooks\[0\]\.smoke\.payload: object s3:\/\/acme-ml-artifacts\/smoke\/churn-request\.json: /m,
    );
    // Each lookup was tried once: 3 pipelines, 1 SageMaker pipeline, 1 group, 2 endpoints, 2 model
    // groups, 2 buckets, 1 object, the names and the prefix (2 DescribeAlarms), 1 topic.
    expect(run.stderr).toContain(
      'controller.yml: 15 read-only calls: cloudwatch.DescribeAlarms ×2, codedeploy.GetDeploymentGroup ×1, codepipeline.GetPipeline ×3, s3.HeadBucket ×2, s3.HeadObject ×1, sagemaker.DescribeEndpoint ×2, sagemaker.DescribeModelPackageGroup ×2, sagemaker.DescribePipeline ×1, sns.GetTopicAttributes ×1',
    );
    expect(run.stdout).toMatch(/^controller\.yml: valid \(.*\), AWS: \d+ not checked$/m);
    expect(run.stdout).not.toContain('AWS resources checked');
  });

  it('validate --help documents --strict and --aws', () => {
    const help = cli(['validate', '--help']).stdout;
    expect(help).toMatch(/--strict +warnings fail too \(exit 2\)/);
    expect(help).toMatch(/--aws +also check, with read-only calls/);
  });
});
