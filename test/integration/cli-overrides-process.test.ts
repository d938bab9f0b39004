/**
 * The override commands as a person runs them: the built CLI process against moto (its endpoint
 * from AWS_ENDPOINT_URL), a policy file of their own, what it prints and its exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { awsClientConfig, createStateTable, motoEndpoint, uniqueName } from '../support/aws';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const sagemaker = new SageMakerClient(awsClientConfig());
const table = uniqueName('cli-overrides');
const group = uniqueName('churn');
let dir: string;
let arn: string;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  arn = (
    await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'PendingManualApproval',
        InferenceSpecification: {
          Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1' }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
      }),
    )
  ).ModelPackageArn!;
  dir = mkdtempSync(join(tmpdir(), 'cli-overrides-'));
  const policy = {
    ...policyInput([]),
    gates: [
      {
        name: 'churn-quality',
        modelPackageGroup: group,
        checks: [{ metric: 'auc', from: 'CustomerMetadataProperties', path: 'auc', min: 0.8 }],
      },
    ],
    rollback: [{ name: 'churn-live', alarms: { names: ['ChurnErrors'] }, endpoint: { name: 'churn' } }],
  };
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
});
afterAll(() => {
  dynamo.destroy();
  sagemaker.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    USER: 'dana',
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    STATE_TABLE: table,
    // The SDK's notice about Node 20 support is no output of the command's.
    NODE_NO_WARNINGS: '1',
  };
  return spawnSync(process.execPath, ['functions/cli/bin.mjs', ...args, '--policy', join(dir, 'policy.json')], {
    env,
    encoding: 'utf8',
  });
}

describe('mlops-controller approve / rollback, the process', () => {
  it('approve prints the decision and its action, names $USER, and a repeat says nothing is left to do', async () => {
    const run = cli('approve', arn, '--reason', 'holdout checked by hand');
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n')).toEqual([
      `gate.override APPROVE ${arn}: Approved by dana (mlops-controller approve): holdout checked by hand`,
      `  ▶ sagemaker UpdateModelPackage ${arn}`,
      '',
    ]);
    const described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(described.ModelApprovalStatus).toBe('Approved');
    const again = cli('approve', arn, '--reason', 'holdout checked by hand');
    expect([again.status, again.stdout]).toEqual([0, expect.stringMatching(/is already Approved .*nothing to do\n$/)]);
    const decisions = await new DynamoDecisionLog(dynamo, table).list({ subject: arn });
    expect(decisions.map((d) => `${d.kind} ${d.outcome} ${d.inputs.by}`)).toEqual(['gate.override APPROVE dana']);
  });

  it('a binding the policy does not have: exit 1, one error line naming the bindings, nothing recorded', async () => {
    const run = cli('rollback', 'churn-prod', '--reason', 'latency');
    expect([run.status, run.stdout, run.stderr]).toEqual([
      1,
      '',
      "error: no rollback binding named churn-prod; the policy's: churn-live\n",
    ]);
    expect(await new DynamoDecisionLog(dynamo, table).list({ subject: 'churn-prod' })).toEqual([]);
  });
});
