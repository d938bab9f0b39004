import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../functions/cli/simulate';

type Result = Awaited<ReturnType<typeof simulate>>;
const arn = (group: string, version: number) =>
  `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`;
const writes = (r: Result) => r.actions.map((a) => `${a.service}:${a.operation}`);
const ops = (r: Result, operation: string) => r.actions.filter((a) => a.operation === operation);

describe('simulate: one world from data drop to rollback (test/scenarios/lifecycle.yml)', () => {
  let r: Result;
  beforeAll(async () => {
    r = await simulate('test/scenarios/lifecycle.yml');
  });

  it('retrains, approves, answers the deploy approval, passes the hook, then rolls back, in that order', () => {
    expect(writes(r)).toEqual([
      's3:PutObject',
      'codepipeline:StartPipelineExecution',
      'sagemaker:UpdateModelPackage',
      'codepipeline:PutApprovalResult',
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      'codepipeline:DisableStageTransition',
      'codedeploy:StopDeployment',
      'sagemaker:UpdateModelPackage',
      'sagemaker:UpdateModelPackage',
      'codepipeline:PutApprovalResult',
    ]);
  });

  it('the package the gate approved is the package the rollback rejects', () => {
    expect(ops(r, 'UpdateModelPackage').map((a) => [a.input.ModelPackageArn, a.input.ModelApprovalStatus])).toEqual([
      [arn('churn-models', 2), 'Approved'],
      [arn('churn-models', 2), 'Rejected'],
      [arn('churn-models', 3), 'Approved'],
    ]);
    expect(ops(r, 'StopDeployment')[0]?.input).toEqual({ deploymentId: 'd-LIFE00002', autoRollbackEnabled: true });
  });

  it('the hook reads the status the gate wrote; the deployed package is the one the alarm names', () => {
    const hook = r.decisions.find((d) => d.kind === 'rollback.hook');
    expect(hook).toMatchObject({ outcome: 'SUCCEEDED' });
    expect(hook!.reasons.join('; ')).toContain(`package: ${arn('churn-models', 2)} is Approved`);
    expect(r.decisions.find((d) => d.kind === 'rollback.package')?.reasons.join('; ')).toContain(
      `${arn('churn-models', 2)} was live when the alarm fired`,
    );
  });

  it('after the rollback, v3 is judged against v1 and a re-run deploying v2 is rejected', () => {
    const v3 = r.decisions.find((d) => d.kind === 'gate.registry' && d.subject === arn('churn-models', 3));
    expect(v3).toMatchObject({ outcome: 'APPROVE', reasons: [expect.stringContaining('Champion: churn-models/1.')] });
    expect(r.decisions.filter((d) => d.kind === 'gate.approval').map((d) => d.outcome)).toEqual(['APPROVE', 'REJECT']);
    expect(r.decisions.at(-1)?.reasons[0]).toContain('model package churn-models/2 is Rejected in the registry');
  });
});

describe('simulate: the deploy step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-deploy-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('an endpoint deploy is seen InService serving the package, and an alarm returns to the config before it', async () => {
    const file = write(
      'endpoint.yml',
      `name: endpoint deploy
policy: ${process.cwd()}/controller.yml
world:
  endpoints:
    - name: ranking-live
      config: ranking-v1
      configs: [{ name: ranking-v1, modelPackageArn: '${arn('ranking-models', 1)}' }]
  alarms: [{ name: ranking-p99-latency, state: OK, tags: { model: ranking } }]
  packageStatuses: [{ arn: '${arn('ranking-models', 1)}', status: Approved }]
  modelPackages: [{ group: ranking-models, version: 2, status: Approved }]
steps:
  - endpoint: { name: ranking-live, config: ranking-v1 }
  - at: +10m
    deploy: { package: { group: ranking-models, version: 2 }, endpoint: { name: ranking-live, config: ranking-v2 } }
  - at: +10m
    alarm: { name: ranking-p99-latency }
`,
    );
    const r = await simulate(file);
    expect(r.decisions.filter((d) => d.kind === 'rollback.endpoint-seen').map((d) => d.reasons[0])).toEqual([
      expect.stringContaining(`ranking-v1 InService at 2026-11-22T08:00:00.000Z serving ${arn('ranking-models', 1)}`),
      expect.stringContaining(`ranking-v2 InService at 2026-11-22T08:10:00.000Z serving ${arn('ranking-models', 2)}`),
    ]);
    expect(ops(r, 'UpdateEndpoint').map((a) => a.input.EndpointConfigName)).toEqual(['ranking-v1']);
    expect(ops(r, 'UpdateModelPackage').map((a) => [a.input.ModelPackageArn, a.input.ModelApprovalStatus])).toEqual([
      [arn('ranking-models', 2), 'Rejected'],
    ]);
  });

  it('a deploy naming a known deployment id changes its status: a later alarm redeploys instead of stopping', async () => {
    const file = write(
      'status.yml',
      `name: deploy status
policy: ${process.cwd()}/controller.yml
world:
  alarms: [{ name: churn-model-errors, state: OK }]
  modelPackages:
    - { group: churn-models, version: 1, status: Approved }
    - { group: churn-models, version: 2, status: Approved }
steps:
  - deploy:
      package: { group: churn-models, version: 1 }
      codedeploy: { application: churn-app, group: churn-live, id: d-ONE000001, status: Succeeded, computePlatform: Server, revision: { revisionType: S3, s3Location: { bucket: acme-ml-artifacts, key: deploy/churn-v1.zip, bundleType: zip, eTag: 9b2cf535f27731c974343645a3985328 } } }
  - at: +1d
    deploy:
      package: '${arn('churn-models', 2)}'
      codedeploy: { application: churn-app, group: churn-live, id: d-TWO000002, revision: { revisionType: S3, s3Location: { bucket: acme-ml-artifacts, key: deploy/churn-v2.zip, bundleType: zip } } }
  - at: +1h
    deploy: { package: { group: churn-models, version: 2 }, codedeploy: { application: churn-app, group: churn-live, id: d-TWO000002, status: Succeeded } }
  - at: +1h
    alarm: { name: churn-model-errors }
`,
    );
    const r = await simulate(file);
    expect(ops(r, 'StopDeployment')).toEqual([]);
    expect(ops(r, 'CreateDeployment').map((a) => a.input.revision)).toEqual([
      {
        revisionType: 'S3',
        s3Location: {
          bucket: 'acme-ml-artifacts',
          key: 'deploy/churn-v1.zip',
          bundleType: 'zip',
          eTag: '9b2cf535f27731c974343645a3985328',
        },
      },
    ]);
    expect(ops(r, 'UpdateModelPackage').map((a) => a.input.ModelPackageArn)).toEqual([arn('churn-models', 2)]);
  });
});
