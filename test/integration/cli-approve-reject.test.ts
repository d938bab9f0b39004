/**
 * `mlops-controller approve|reject <package-arn>` on the AWS adapters: SageMaker model packages
 * and the state table (claims, decisions, kill switch) on moto, every call real.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DynamoClaims } from '../../functions/adapters/aws/dynamodb/claims';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { SageMakerModelRegistry } from '../../functions/adapters/aws/model-registry';
import { MemoryPipelineApprovals } from '../../functions/adapters/memory/approvals';
import { MemoryMetricReports } from '../../functions/adapters/memory/metric-reports';
import { MemoryNotifier } from '../../functions/adapters/memory/notifier';
import { MemoryWorld } from '../../functions/adapters/memory/world';
import { decidePackage } from '../../functions/cli/overrides';
import { validatePolicy, type Policy } from '../../functions/config/policy';
import { ContentionError, ControllerError } from '../../functions/domain/errors';
import { systemClock } from '../../functions/ports/clock';
import { packageDecisionClaim } from '../../functions/workflows/package-claim';
import { wireGates } from '../../functions/wiring/gates';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { recordingLogger } from '../support/memory-harness';
import { policyInput } from '../support/policies';
import { serializeRequests } from '../support/serialize-requests';

const dynamo = new DynamoDBClient(awsClientConfig());
serializeRequests(dynamo);
const sagemaker = new SageMakerClient(awsClientConfig());
const table = uniqueName('overrides-pkg');
beforeAll(() => createStateTable(dynamo, table));
afterAll(() => {
  dynamo.destroy();
  sagemaker.destroy();
});

const log = new DynamoDecisionLog(dynamo, table);
const VERBS = [
  ['Approved', 'APPROVE'],
  ['Rejected', 'REJECT'],
] as const;

async function world(status: 'PendingManualApproval' | 'Approved' = 'PendingManualApproval', mode?: 'observe') {
  const group = uniqueName('churn');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const create = (approval: string, auc: string) =>
    sagemaker
      .send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: approval as 'Approved',
          CustomerMetadataProperties: { auc },
          InferenceSpecification: {
            Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1' }],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
          },
        }),
      )
      .then((r) => r.ModelPackageArn!);
  const arn = await create(status, '0.91');
  const policy: Policy = validatePolicy({
    ...policyInput([]),
    gates: [
      {
        name: 'churn-quality',
        modelPackageGroup: group,
        firstModel: 'approve',
        ...(mode ? { mode } : {}),
        checks: [{ metric: 'auc', from: 'CustomerMetadataProperties', path: 'auc', min: 0.8 }],
      },
    ],
    rollback: [
      { name: 'churn-live', alarms: { names: ['ChurnErrors'] }, modelPackageGroup: group, endpoint: { name: 'churn' } },
    ],
  });
  const counted = new SageMakerClient(awsClientConfig());
  const counter = countCalls(counted);
  const { logger } = recordingLogger();
  const decide = (status: 'Approved' | 'Rejected', by = 'alice', reason = 'checked the holdout by hand') =>
    decidePackage({ policy, table, by, reason, arn, status, logger, clients: { dynamo, sagemaker: counted } });
  const packageStatus = async () =>
    (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).ModelApprovalStatus;
  const decisionsOn = async () => (await log.list({ subject: arn })).filter((d) => d.kind.startsWith('gate.'));
  const updates = () => counter.calls.filter((c) => c === 'SageMaker.UpdateModelPackage');
  return { group, arn, policy, decide, packageStatus, decisionsOn, updates, create, logger };
}

describe('mlops-controller approve / reject (moto)', () => {
  it('approve sets the status with the reason as ApprovalDescription and records one decision with who and why', async () => {
    const w = await world();
    const { result, decisions } = await w.decide('Approved');
    expect(result).toEqual({ outcome: 'APPROVE', notes: [] });
    const described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: w.arn }));
    expect(described.ModelApprovalStatus).toBe('Approved');
    expect(described.ApprovalDescription).toBe(
      'Approved by alice (mlops-controller approve): checked the holdout by hand',
    );
    expect(decisions).toEqual([
      expect.objectContaining({
        kind: 'gate.override',
        subject: w.arn,
        outcome: 'APPROVE',
        inputs: expect.objectContaining({ origin: 'operator', by: 'alice', from: 'PendingManualApproval' }),
        actions: [{ service: 'sagemaker', operation: 'UpdateModelPackage', target: w.arn, status: 'taken' }],
      }),
    ]);
    expect(await w.decisionsOn()).toHaveLength(1);
  });

  it('delivered twice: the second finds the status set, writes and records nothing', async () => {
    const w = await world();
    await w.decide('Rejected');
    const again = await w.decide('Rejected');
    expect(again.result).toEqual({
      outcome: 'UNCHANGED',
      reason: expect.stringMatching(/is already Rejected \(Rejected by alice/),
    });
    expect(again.decisions).toEqual([]);
    expect(w.updates()).toHaveLength(1);
    expect(await w.decisionsOn()).toHaveLength(1);
  });

  it.each(VERBS)(
    '%s delivered concurrently: one takes the claim and acts, the other is told it is busy and writes nothing',
    async (status, outcome) => {
      const w = await world();
      const results = await Promise.all([w.decide(status), w.decide(status)]);
      expect(results.map((r) => r.result.outcome).sort()).toEqual([outcome, 'BUSY'].sort());
      expect(w.updates()).toHaveLength(1);
      expect(await w.decisionsOn()).toHaveLength(1);
    },
  );

  it('races the registry gate on the same package: exactly one of them sets the status, the other writes nothing', async () => {
    const w = await world();
    const memory = new MemoryWorld(systemClock);
    const gates = wireGates(
      {
        registry: new SageMakerModelRegistry(sagemaker),
        reports: new MemoryMetricReports(memory),
        notifier: new MemoryNotifier(memory),
        approvals: new MemoryPipelineApprovals(memory),
        claims: new DynamoClaims(dynamo, table),
        decisions: new DynamoDecisionLog(dynamo, table),
      },
      { policy: w.policy, clock: systemClock, logger: w.logger },
    );
    const [gate, person] = await Promise.allSettled([
      gates.onModelPackage(w.arn, w.group, 'event-1'),
      w.decide('Rejected', 'bob', 'the churn spike on Monday'),
    ]);
    const gateWon = gate.status === 'fulfilled';
    if (gateWon) {
      // The gate approved (auc 0.91 ≥ 0.8) and the person was told another decision is being made.
      expect(person).toEqual({
        status: 'fulfilled',
        value: expect.objectContaining({ result: expect.objectContaining({ outcome: 'BUSY' }) }),
      });
      expect(await w.packageStatus()).toBe('Approved');
    } else {
      expect((gate as PromiseRejectedResult).reason).toBeInstanceOf(ContentionError);
      expect(await w.packageStatus()).toBe('Rejected');
      // The gate's retried delivery finds the person's status: nothing to decide.
      await gates.onModelPackage(w.arn, w.group, 'event-1');
    }
    const decided = (await w.decisionsOn()).filter((d) => ['APPROVE', 'REJECT'].includes(d.outcome));
    expect(decided).toHaveLength(1);
  });

  it('a gate holding the claim keeps the person out: BUSY, no UpdateModelPackage', async () => {
    const w = await world();
    const held = await log.commit(
      {
        kind: 'gate.registry',
        subject: w.arn,
        outcome: 'APPROVE',
        reasons: ['gate'],
        inputs: {},
        at: new Date().toISOString(),
      },
      packageDecisionClaim(w.arn),
      [],
    );
    expect(held).toBeDefined();
    const { result, decisions } = await w.decide('Rejected');
    expect(result.outcome).toBe('BUSY');
    expect(decisions).toEqual([]);
    expect(w.updates()).toEqual([]);
    expect(await w.packageStatus()).toBe('PendingManualApproval');
  });

  it.each(VERBS)(
    '%s with the kill switch on: the decision is recorded with its UpdateModelPackage withheld and why, the status untouched',
    async (status, outcome) => {
      const w = await world();
      const paused = uniqueName('paused-pkg');
      await createStateTable(dynamo, paused);
      await new DynamoKillSwitch(dynamo, paused).set({ paused: true, by: 'carol', reason: 'incident 7' });
      const { result, decisions } = await decidePackage({
        policy: w.policy,
        table: paused,
        by: 'alice',
        reason: 'ship it',
        arn: w.arn,
        status,
        logger: w.logger,
        clients: { dynamo, sagemaker },
      });
      expect(result.outcome).toBe(outcome);
      expect(decisions[0]!.actions).toEqual([
        expect.objectContaining({
          operation: 'UpdateModelPackage',
          status: 'withheld',
          why: 'paused by carol: incident 7',
        }),
      ]);
      expect(await w.packageStatus()).toBe('PendingManualApproval');
    },
  );

  it.each(VERBS)("%s in observe mode (the group's gate observes): recorded, not acted", async (status) => {
    const w = await world('PendingManualApproval', 'observe');
    const { decisions } = await w.decide(status);
    expect(decisions[0]!.actions).toEqual([
      expect.objectContaining({ operation: 'UpdateModelPackage', status: 'withheld', why: 'observe (gates[0].mode)' }),
    ]);
    expect(w.updates()).toEqual([]);
    expect(await w.packageStatus()).toBe('PendingManualApproval');
  });

  it('an unknown package, or one of a group the policy does not name: an error, nothing written or recorded', async () => {
    const w = await world();
    const approveUnder = (policy: Policy, arn: string) =>
      decidePackage({
        policy,
        table,
        by: 'a',
        reason: 'r',
        arn,
        status: 'Approved',
        logger: w.logger,
        clients: { dynamo, sagemaker },
      });
    const missing = w.arn.replace(/\/\d+$/, '/999');
    await expect(approveUnder(w.policy, missing)).rejects.toThrow(
      new ControllerError(`model package ${missing} does not exist: nothing done`),
    );
    const other = await world();
    await expect(approveUnder(w.policy, other.arn)).rejects.toThrow(
      /is named by no gate and no rollback binding of the policy/,
    );
    expect(await other.packageStatus()).toBe('PendingManualApproval');
    expect(await log.list({ subject: missing })).toEqual([]);
    expect(await log.list({ subject: other.arn })).toEqual([]);
  });

  it('rejecting the package in production says that it rolls nothing back and names the rollback binding', async () => {
    const w = await world('Approved');
    const { result } = await w.decide('Rejected');
    expect(result).toEqual({
      outcome: 'REJECT',
      notes: [expect.stringMatching(/the one its deployment serves.*rolls nothing back.*here: churn-live/)],
    });
    expect(await w.packageStatus()).toBe('Rejected');
  });
});
