/**
 * `mlops-controller rollback <binding>` on the AWS adapters: CodeDeploy, SageMaker model packages
 * and the state table (claims, decisions, kill switch, freezes) on moto; StopDeployment and
 * DisableStageTransition (moto lacks both) answered on the otherwise real clients.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { rollbackBinding } from '../../functions/cli/overrides';
import { validatePolicy } from '../../functions/config/policy';
import { ControllerError } from '../../functions/domain/errors';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { recordingLogger } from '../support/memory-harness';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { motoRollbackTarget } from '../support/moto-rollback-target';
import { policyInput } from '../support/policies';
import { serializeRequests } from '../support/serialize-requests';
import { stubOperation } from '../support/stub-operation';

const dynamo = new DynamoDBClient(awsClientConfig());
serializeRequests(dynamo);
afterAll(() => dynamo.destroy());

async function world(options: { observe?: boolean } = {}) {
  const table = uniqueName('overrides-rb');
  await createStateTable(dynamo, table);
  const codedeploy = new CodeDeployClient(awsClientConfig());
  fixMotoCodeDeployTimes(codedeploy);
  const sagemaker = new SageMakerClient(awsClientConfig());
  const codepipeline = new CodePipelineClient(awsClientConfig());
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  const { group, pkg, application, inFlight } = await motoRollbackTarget(codedeploy, sagemaker);
  const stops = stubOperation(codedeploy, 'StopDeploymentCommand', () => ({ status: 'Pending' }));
  const freezes = stubOperation(codepipeline, 'DisableStageTransitionCommand', () => ({}));
  const counter = countCalls(codedeploy, sagemaker, codepipeline, cloudwatch);
  const policy = validatePolicy({
    ...policyInput([], {
      accounts: ['123456789012'],
      regions: ['us-east-1'],
      manifests: { bucket: 'm' },
      ...(options.observe ? { mode: 'observe' } : {}),
    }),
    rollback: [
      {
        name: 'live',
        alarms: { names: ['ChurnErrors'] },
        codedeploy: { application, deploymentGroup: 'live' },
        modelPackageGroup: group,
        freeze: { pipeline: 'churn-deploy', stage: 'Production', autoUnfreezeAfterOkSeconds: 600 },
      },
    ],
  });
  const { logger } = recordingLogger();
  const rollback = (binding = 'live', by = 'alice', reason = 'p95 latency doubled since the 14:00 deploy') =>
    rollbackBinding({
      policy,
      table,
      by,
      reason,
      binding,
      logger,
      clients: { dynamo, codedeploy, sagemaker, codepipeline, cloudwatch },
    });
  const status = async () =>
    (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: pkg }))).ModelApprovalStatus;
  const log = new DynamoDecisionLog(dynamo, table);
  const recorded = async () => (await log.list()).map((d) => `${d.kind} ${d.outcome}`).sort();
  return { table, pkg, inFlight, stops, freezes, counter, rollback, status, recorded, log };
}

const FULL_RESPONSE = [
  'rollback.codedeploy STOPPED',
  'rollback.freeze FROZEN',
  'rollback.operator REQUESTED',
  'rollback.package REJECTED',
];

describe('mlops-controller rollback <binding> (moto)', () => {
  it("runs the binding's alarm response once, each step recorded with who asked and why", async () => {
    const w = await world();
    const { result, decisions } = await w.rollback();
    expect(result.outcome).toBe('REQUESTED');
    expect(w.freezes).toEqual([
      expect.objectContaining({ pipelineName: 'churn-deploy', stageName: 'Production', transitionType: 'Inbound' }),
    ]);
    expect(w.freezes[0].reason).toMatch(/^mlops-controller froze promotions rollback asked by alice at .* p95 latency/);
    expect(w.stops).toEqual([{ deploymentId: w.inFlight, autoRollbackEnabled: true }]);
    expect(await w.status()).toBe('Rejected');
    expect(decisions.map((d) => `${d.kind} ${d.outcome}`).sort()).toEqual(FULL_RESPONSE);
    for (const d of decisions)
      expect(d.reasons.join(' ')).toMatch(/rollback asked by alice at .*: p95 latency doubled/);
    expect(decisions[0]).toEqual(
      expect.objectContaining({
        kind: 'rollback.operator',
        subject: 'live',
        inputs: expect.objectContaining({ origin: 'operator', by: 'alice' }),
      }),
    );
    expect(await w.recorded()).toEqual(FULL_RESPONSE);
    // A person's freeze names no alarm: no alarm going OK thaws it.
    expect((await new DynamoRollbackStore(dynamo, w.table).freezes())[0]).toEqual(
      expect.objectContaining({ pipeline: 'churn-deploy', stage: 'Production', binding: 'live', alarms: [] }),
    );
  });

  it('invoked twice: the second finds the committed request and makes no call beyond the claim', async () => {
    const w = await world();
    await w.rollback();
    w.counter.reset();
    const again = await w.rollback();
    expect(again.result.outcome).toBe('ALREADY_REQUESTED');
    expect(again.result.request).toBe((await w.log.list()).find((d) => d.kind === 'rollback.operator')!.inputs.request);
    expect(again.decisions).toEqual([]);
    expect(w.counter.calls).toEqual([]);
    expect(w.stops).toHaveLength(1);
    expect(w.freezes).toHaveLength(1);
    expect(await w.recorded()).toEqual(FULL_RESPONSE);
  });

  it('invoked twice concurrently: one runs the steps, the other finds the claim; one effect, one decision each', async () => {
    const w = await world();
    const results = await Promise.all([w.rollback(), w.rollback()]);
    expect(results.map((r) => r.result.outcome).sort()).toEqual(['ALREADY_REQUESTED', 'REQUESTED']);
    expect(w.stops).toHaveLength(1);
    expect(w.freezes).toHaveLength(1);
    expect(await w.recorded()).toEqual(FULL_RESPONSE);
  });

  it('kill switch on: every step is recorded with its writes withheld and the reason, nothing written to AWS', async () => {
    const w = await world();
    await new DynamoKillSwitch(dynamo, w.table).set({ paused: true, by: 'carol', reason: 'incident 7' });
    const { decisions } = await w.rollback();
    expect(w.stops).toEqual([]);
    expect(w.freezes).toEqual([]);
    expect(w.counter.calls).not.toContain('SageMaker.UpdateModelPackage');
    expect(await w.status()).toBe('Approved');
    const actions = decisions.flatMap((d) => d.actions ?? []);
    expect(actions.map((a) => a.operation).sort()).toEqual([
      'DisableStageTransition',
      'StopDeployment',
      'UpdateModelPackage',
    ]);
    for (const a of actions)
      expect(a).toEqual(expect.objectContaining({ status: 'withheld', why: 'paused by carol: incident 7' }));
  });

  it('observe mode: recorded, not acted', async () => {
    const w = await world({ observe: true });
    const { decisions } = await w.rollback();
    expect(w.stops).toEqual([]);
    expect(w.freezes).toEqual([]);
    expect(await w.status()).toBe('Approved');
    const actions = decisions.flatMap((d) => d.actions ?? []);
    expect(actions).toHaveLength(3);
    for (const a of actions)
      expect(a).toEqual(expect.objectContaining({ status: 'withheld', why: 'observe (controller.mode)' }));
  });

  it('an unknown binding: an error naming the policy bindings, no call, no decision', async () => {
    const w = await world();
    await expect(w.rollback('churn-prod')).rejects.toThrow(
      new ControllerError("no rollback binding named churn-prod; the policy's: live"),
    );
    expect(w.counter.calls).toEqual([]);
    expect(await w.recorded()).toEqual([]);
  });
});
