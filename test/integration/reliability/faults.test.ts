/**
 * Faults at every AWS call site, one at a time: throttling, a 5xx, a timeout before the request
 * and a timeout after it (served, response lost), each injected by SDK middleware on the real
 * adapters' clients against moto (operations moto lacks are stubbed on the same clients). Clients
 * make one attempt (test/support/aws.ts), so an injected fault is one the SDK's retries did not
 * absorb. The sites are the calls a clean run makes, discovered by the same middleware. After the
 * fault the delivery is retried the way Lambda/SQS would (only when the handler reported failure)
 * and the sweeper ticks as it would; a clean run's calls include the sweeper's, so a fault at one of
 * those stays armed until the sweeper reaches it (that sweep fails, the next tick runs). The outcome
 * must be: no double action (one pipeline start token, one package update, one
 * StopDeployment), no lost object (the manifest lists every object exactly once), and a fault that
 * kept the work from completing always surfaced (thrown, or the SQS record reported failed).
 * FAULTS_OCCURRENCES (default 1) also faults the 2nd, 3rd... call of each site.
 */
import { AwsRunFailures } from '../../../functions/adapters/aws/run-failures';
import { CodePipelineFailureReader } from '../../../functions/adapters/aws/codepipeline-failures';
import { SageMakerFailureReader } from '../../../functions/adapters/aws/sagemaker-failures';
import { jest } from '@jest/globals';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSBatchResponse } from 'aws-lambda';
import { CloudWatchAlarms } from '../../../functions/adapters/aws/cloudwatch';
import { CodeDeployDeployments } from '../../../functions/adapters/aws/codedeploy';
import { CodePipelineStarter } from '../../../functions/adapters/aws/codepipeline';
import { CodePipelineApprovals } from '../../../functions/adapters/aws/codepipeline-approvals';
import { CodePipelineStages } from '../../../functions/adapters/aws/codepipeline-stages';
import { DynamoClaims } from '../../../functions/adapters/aws/dynamodb/claims';
import { DynamoDecisionLog } from '../../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoRetrainRequests } from '../../../functions/adapters/aws/dynamodb/retrain-requests';
import { DynamoBatchLedger } from '../../../functions/adapters/aws/dynamodb/ledger';
import { DynamoRollbackStore } from '../../../functions/adapters/aws/dynamodb/rollback-store';
import { DynamoRunStore } from '../../../functions/adapters/aws/dynamodb/run-store';
import { S3MetricReports } from '../../../functions/adapters/aws/metric-reports';
import { SageMakerModelRegistry } from '../../../functions/adapters/aws/model-registry';
import { SageMakerPackageStatus } from '../../../functions/adapters/aws/package-status';
import { AwsPipelines } from '../../../functions/adapters/aws/pipelines';
import { S3ObjectStore } from '../../../functions/adapters/aws/s3';
import { SageMakerPipelineStarter } from '../../../functions/adapters/aws/sagemaker';
import { SageMakerEndpoints } from '../../../functions/adapters/aws/sagemaker-endpoints';
import { SnsNotifier } from '../../../functions/adapters/aws/sns';
import { validatePolicy } from '../../../functions/config/policy';
import { ControllerError } from '../../../functions/domain/errors';
import { alarmFired } from '../../../functions/handlers/alarm-fired';
import { dataArrived } from '../../../functions/handlers/data-arrived';
import { modelRegistered } from '../../../functions/handlers/model-registered';
import { systemClock } from '../../../functions/ports/clock';
import { GateWorkflow } from '../../../functions/workflows/gates';
import { RetrainingWorkflow } from '../../../functions/workflows/retraining';
import { RollbackWorkflow } from '../../../functions/workflows/rollback';
import { awsClientConfig, createStateTable, uniqueName } from '../../support/aws';
import { FAULT_KINDS, faultInjector, type FaultKind } from '../../support/fault-injector';
import { firingOnMoto, sentAt } from '../../support/cloudwatch-alarms';
import { loadFixture } from '../../support/fixtures';
import { recordingLogger, TestClock } from '../../support/memory-harness';
import { fixMotoCodeDeployTimes } from '../../support/moto-codedeploy-times';
import { policyInput, testController } from '../../support/policies';
import { stubOperation } from '../../support/stub-operation';
import { DynamoBuildSlots } from '../../../functions/adapters/aws/dynamodb/build-slots';

const OCCURRENCES = Number(process.env.FAULTS_OCCURRENCES ?? 1);
// A path's cases grow with OCCURRENCES (about a second each on moto), and so does its bound.
jest.setTimeout(Math.max(240_000, OCCURRENCES * 60_000));
/**
 * Outcomes: `surfaced` (the first delivery threw or reported its SQS records failed, and was
 * redelivered; or a sweep the fault hit threw, and the next tick ran), `recoveredBySweeper` (the delivery was acknowledged once the failed step was durably
 * recorded — e.g. a batch closed in the ledger — and the sweeper finished the work), `absorbed`
 * (complete without either: a read whose failure the workflow tolerates, or an internal retry).
 */
const tally = {
  sites: new Set<string>(),
  injected: 0,
  surfaced: 0,
  recoveredBySweeper: 0,
  absorbed: 0,
  redeliveries: 0,
  actions: 0,
};
beforeAll(async () => {
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  await firingOnMoto(cloudwatch);
  cloudwatch.destroy();
});
afterAll(() =>
  console.info(`faults: ${JSON.stringify({ ...tally, sites: tally.sites.size, siteList: [...tally.sites].sort() })}`),
);

/**
 * Runs `attempt` until it reports success (at most 4 deliveries); the fault is disarmed after the
 * first delivery if it was injected there. One the first delivery did not reach stays armed: its
 * occurrence is one the clean run made later, in the sweeper. `wait` passes the time Lambda waits
 * before an asynchronous retry (about a minute).
 */
async function deliverWithRetries(
  faults: ReturnType<typeof faultInjector>,
  attempt: () => Promise<boolean>,
  wait: () => void = () => undefined,
): Promise<{ firstFailed: boolean }> {
  let firstFailed = false;
  for (let delivery = 0; delivery < 4; delivery++) {
    let ok: boolean;
    try {
      ok = await attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(ControllerError);
      ok = false;
    }
    if (delivery === 0) {
      if (faults.injected() > 0) faults.disarm();
      firstFailed = !ok;
    } else tally.redeliveries += 1;
    if (ok) return { firstFailed };
    wait();
  }
  throw new Error('the delivery never succeeded after the fault was removed');
}

/** Each distinct site of a clean run × each fault kind × its first OCCURRENCES calls. */
function cases(sites: string[]): Array<{ site: string; kind: FaultKind; occurrence: number }> {
  return [...new Set(sites)].flatMap((site) => {
    const calls = sites.filter((s) => s === site).length;
    return FAULT_KINDS.flatMap((kind) =>
      Array.from({ length: Math.min(OCCURRENCES, calls) }, (_, i) => ({ site, kind, occurrence: i + 1 })),
    );
  });
}

const label = (c: { site: string; kind: FaultKind; occurrence: number }) => `${c.site}#${c.occurrence} ${c.kind}`;

/** Three objects in one SQS batch (the real SQS-wrapped S3 notification, re-pointed). */
function sqsBatch(bucket: string) {
  const template = loadFixture('s3-object-created-put.via-sqs.powertools.json').Records[0];
  return {
    Records: [1, 2, 3].map((n) => {
      const r = structuredClone(template);
      const body = JSON.parse(r.body);
      body.Records[0].awsRegion = 'us-east-1';
      body.Records[0].s3.bucket.name = bucket;
      body.Records[0].s3.bucket.arn = `arn:aws:s3:::${bucket}`;
      body.Records[0].s3.object = { key: `in/part-${n}.csv`, size: 100 + n, eTag: `etag${n}`, sequencer: `00${n}` };
      r.body = JSON.stringify(body);
      r.messageId = `msg-${n}`;
      r.awsRegion = 'us-east-1';
      return r;
    }),
  };
}

async function dataDropWorld() {
  const bucket = uniqueName('faults-data');
  const table = uniqueName('faults-state');
  const dynamo = new DynamoDBClient(awsClientConfig());
  const s3 = new S3Client(awsClientConfig());
  const codepipeline = new CodePipelineClient(awsClientConfig());
  await createStateTable(dynamo, table);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const n of [1, 2, 3])
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `in/part-${n}.csv`, Body: 'a,b\n1,2\n' }));
  // moto has no CodePipeline StartPipelineExecution: answered on the real client, inputs kept.
  const starts = stubOperation(codepipeline, 'StartPipelineExecutionCommand', (input) => ({
    pipelineExecutionId: `exec-${input.clientRequestToken}`,
  }));
  const faults = faultInjector(dynamo, s3, codepipeline);
  const policy = validatePolicy(
    policyInput(
      [
        {
          name: 'train',
          source: { bucket, prefix: 'in/' },
          target: { type: 'codepipeline', name: 'train-pipeline' },
          trigger: { maxObjects: 3 },
        },
      ],
      { ...testController, manifests: { bucket, prefix: 'manifests/' } },
    ),
  );
  const { logger } = recordingLogger();
  const clock = new TestClock(Date.now());
  const workflow = new RetrainingWorkflow({
    policy,
    ledger: new DynamoBatchLedger(dynamo, table, clock),
    runs: new DynamoRunStore(dynamo, table),
    decisions: new DynamoDecisionLog(dynamo, table),
    objects: new S3ObjectStore(s3),
    pipelines: new AwsPipelines({
      codepipeline: new CodePipelineStarter(codepipeline),
      sagemaker: new SageMakerPipelineStarter(new SageMakerClient(awsClientConfig())),
    }),
    requests: new DynamoRetrainRequests(dynamo, table),
    failures: new AwsRunFailures({
      codepipeline: new CodePipelineFailureReader(codepipeline),
      sagemaker: new SageMakerFailureReader(new SageMakerClient(awsClientConfig())),
    }),
    slots: new DynamoBuildSlots(dynamo, table),
    clock,
    logger,
  });
  const handle = dataArrived(workflow, logger);
  /**
   * What production does next: the per-minute sweeper records batches whose close was committed by
   * an invocation that then failed, and re-issues a start claimed but not recorded for over 2 minutes.
   * Two ticks as a clean run makes them; a tick the armed fault failed (the sweep throws, as the
   * scheduled invocation would) disarms it and earns one more tick. True when a sweep failed.
   */
  const settle = async () => {
    let failed = 0;
    for (let tick = 0; tick < 2 + failed; tick++) {
      clock.advance(180);
      try {
        await workflow.sweep();
      } catch (error) {
        expect(error).toBeInstanceOf(ControllerError);
        failed += 1;
      }
      if (faults.injected() > 0) faults.disarm();
    }
    return failed > 0;
  };
  const reader = new S3Client(awsClientConfig());
  let pending = sqsBatch(bucket);
  /** One SQS delivery of the records not yet acknowledged; true when none was reported failed. */
  const deliver = async () => {
    const result = (await handle(structuredClone(pending))) as SQSBatchResponse;
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    pending = { Records: pending.Records.filter((r) => failed.has(r.messageId)) };
    return failed.size === 0;
  };
  const manifestKeys = async () => {
    const tokens = [...new Set(starts.map((s) => s.clientRequestToken as string))];
    const uris = [
      ...new Set(
        starts.map((s) => (s.variables as Array<{ value: string }>).find((v) => v.value.startsWith('s3://'))!.value),
      ),
    ];
    const keys: string[] = [];
    for (const uri of uris) {
      const [, b, k] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
      const body = await (await reader.send(new GetObjectCommand({ Bucket: b, Key: k }))).Body!.transformToString();
      keys.push(...(JSON.parse(body) as { objects: Array<{ key: string }> }).objects.map((o) => o.key));
    }
    return { tokens, keys: keys.sort() };
  };
  return { faults, deliver, settle, manifestKeys, starts };
}

async function registryWorld() {
  const sagemaker = new SageMakerClient(awsClientConfig());
  const s3 = new S3Client(awsClientConfig());
  const dynamo = new DynamoDBClient(awsClientConfig());
  const sns = new SNSClient(awsClientConfig());
  const setup = { sagemaker: new SageMakerClient(awsClientConfig()), s3: new S3Client(awsClientConfig()) };
  const group = uniqueName('churn');
  const bucket = uniqueName('reports');
  const table = uniqueName('faults-gate');
  await setup.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  await setup.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createStateTable(new DynamoDBClient(awsClientConfig()), table);
  const register = async (status: 'Approved' | 'PendingManualApproval', auc: number, n: number) => {
    const key = `eval/${n}.json`;
    const body = JSON.stringify({ binary_classification_metrics: { auc: { value: auc } } });
    await setup.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const { ModelPackageArn } = await setup.sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: status,
        ModelMetrics: {
          ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `s3://${bucket}/${key}` } },
        },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    return ModelPackageArn!;
  };
  await register('Approved', 0.84, 1);
  const challenger = await register('PendingManualApproval', 0.86, 2);
  const faults = faultInjector(sagemaker, s3, dynamo, sns);
  const policy = validatePolicy({
    version: 1,
    controller: testController,
    gates: [
      {
        name: 'churn-quality',
        modelPackageGroup: group,
        reportBuckets: [bucket],
        checks: [
          {
            metric: 'auc',
            from: 'ModelQuality.Statistics',
            path: 'binary_classification_metrics.auc.value',
            min: 0.75,
            direction: 'higher',
            maxDegradation: 0.01,
          },
        ],
      },
    ],
  });
  const clock = new TestClock(Date.now());
  const decisions = new DynamoDecisionLog(dynamo, table, { clock });
  const { logger } = recordingLogger();
  const gates = new GateWorkflow({
    policy,
    registry: new SageMakerModelRegistry(sagemaker),
    reports: new S3MetricReports(s3),
    notifier: new SnsNotifier(sns),
    approvals: new CodePipelineApprovals(new CodePipelineClient(awsClientConfig())),
    claims: new DynamoClaims(dynamo, table, clock),
    decisions,
    clock,
    logger,
  });
  const handle = modelRegistered(gates, logger);
  const event = loadFixture('sagemaker-model-package-state-change.json');
  Object.assign(event, { account: '123456789012', region: 'us-east-1', resources: [challenger] });
  Object.assign(event.detail, {
    ModelPackageGroupName: group,
    ModelPackageVersion: 2,
    ModelPackageArn: challenger,
    ModelApprovalStatus: 'PendingManualApproval',
    // As SageMaker sends it: the detail mirrors the package, so the gate judges it from the event.
    ModelMetrics: {
      ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `s3://${bucket}/eval/2.json` } },
    },
  });
  const deliver = async () => {
    await handle(structuredClone(event));
    return true;
  };
  const outcome = async () => ({
    status: (await setup.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: challenger })))
      .ModelApprovalStatus,
    // The reader keeps the world's clock: a listing ends at its now, and the retries moved it on.
    decided: (
      await new DynamoDecisionLog(new DynamoDBClient(awsClientConfig()), table, { clock }).list({ subject: challenger })
    )
      .filter((d) => d.outcome === 'APPROVE' || d.outcome === 'REJECT')
      .map((d) => d.outcome),
  });
  return { faults, deliver, outcome, wait: () => clock.advance(60) };
}

async function rollbackWorld() {
  const codedeploy = new CodeDeployClient(awsClientConfig());
  fixMotoCodeDeployTimes(codedeploy);
  const dynamo = new DynamoDBClient(awsClientConfig());
  const table = uniqueName('faults-rollback');
  await createStateTable(dynamo, table);
  const application = uniqueName('app');
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/cd',
    }),
  );
  const inFlight = (
    await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: 'model v4' } },
      }),
    )
  ).deploymentId!;
  // moto has no StopDeployment: answered on the real client, every served call kept.
  const stops = stubOperation(codedeploy, 'StopDeploymentCommand', () => ({ status: 'Pending' }));
  const faults = faultInjector(codedeploy, dynamo);
  const { logger } = recordingLogger();
  const workflow = new RollbackWorkflow({
    policy: validatePolicy({
      ...policyInput([]),
      rollback: [
        { name: 'live', alarms: { names: ['ServerCpuTooHigh'] }, codedeploy: { application, deploymentGroup: 'live' } },
      ],
    }),
    store: new DynamoRollbackStore(dynamo, table),
    deployments: new CodeDeployDeployments(codedeploy),
    endpoints: new SageMakerEndpoints(new SageMakerClient(awsClientConfig())),
    alarms: new CloudWatchAlarms(new CloudWatchClient(awsClientConfig())),
    stages: new CodePipelineStages(new CodePipelineClient(awsClientConfig())),
    packages: new SageMakerPackageStatus(new SageMakerClient(awsClientConfig())),
    decisions: new DynamoDecisionLog(dynamo, table),
    clock: systemClock,
    logger,
  });
  const handle = alarmFired(workflow, logger);
  const deliver = async () => {
    await handle(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), new Date().toISOString()));
    return true;
  };
  return { faults, deliver, stops, inFlight };
}

describe('faults at every AWS call site, one at a time', () => {
  it('data drop (DynamoDB ledger and run store, S3 manifest, CodePipeline start): nothing lost, one start', async () => {
    const clean = await dataDropWorld();
    expect(await clean.deliver()).toBe(true);
    await clean.settle();
    expect(await clean.manifestKeys()).toEqual({
      tokens: [expect.any(String)],
      keys: ['in/part-1.csv', 'in/part-2.csv', 'in/part-3.csv'],
    });
    const problems: string[] = [];
    for (const c of cases(clean.faults.sites)) {
      const w = await dataDropWorld();
      w.faults.arm(c.site, c.kind, c.occurrence);
      const { firstFailed } = await deliverWithRetries(w.faults, w.deliver);
      const before = await w.manifestKeys();
      const sweepFailed = await w.settle();
      const outcome = await w.manifestKeys();
      tally.sites.add(c.site);
      tally.injected += w.faults.injected();
      tally.actions += w.starts.length;
      if (firstFailed || sweepFailed) tally.surfaced += 1;
      else if (JSON.stringify(before) !== JSON.stringify(outcome)) tally.recoveredBySweeper += 1;
      else tally.absorbed += 1;
      if (w.faults.injected() !== 1) problems.push(`${label(c)}: site not reached`);
      if (outcome.tokens.length !== 1) problems.push(`${label(c)}: ${outcome.tokens.length} distinct starts`);
      if (JSON.stringify(outcome.keys) !== JSON.stringify(['in/part-1.csv', 'in/part-2.csv', 'in/part-3.csv']))
        problems.push(`${label(c)}: manifest lists ${JSON.stringify(outcome.keys)}`);
    }
    expect(problems).toEqual([]);
  });
  it('a fault at the first call of a site only the sweeper makes reaches the sweeper; the next tick finishes: one start, nothing lost', async () => {
    // The calls a clean delivery makes, then those its two sweeper ticks add: the first occurrence
    // of a site past the delivery's last (GetItem #4, BatchGetItem #5 today) is one no delivery
    // reaches. Armed only for the delivery, these went uninjected ("site not reached").
    const clean = await dataDropWorld();
    expect(await clean.deliver()).toBe(true);
    const delivered = [...clean.faults.sites];
    await clean.settle();
    const swept = [...new Set(clean.faults.sites.slice(delivered.length))].map((site) => ({
      site,
      occurrence: delivered.filter((s) => s === site).length + 1,
    }));
    expect(swept.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { site, occurrence } of swept)
      for (const kind of FAULT_KINDS) {
        const c = { site, kind, occurrence };
        const w = await dataDropWorld();
        w.faults.arm(site, kind, occurrence);
        const { firstFailed } = await deliverWithRetries(w.faults, w.deliver);
        await w.settle();
        const outcome = await w.manifestKeys();
        if (w.faults.injected() !== 1) problems.push(`${label(c)}: site not reached`);
        if (firstFailed) problems.push(`${label(c)}: the delivery failed, so the fault was not the sweeper's`);
        if (outcome.tokens.length !== 1) problems.push(`${label(c)}: ${outcome.tokens.length} distinct starts`);
        if (JSON.stringify(outcome.keys) !== JSON.stringify(['in/part-1.csv', 'in/part-2.csv', 'in/part-3.csv']))
          problems.push(`${label(c)}: manifest lists ${JSON.stringify(outcome.keys)}`);
      }
    expect(problems).toEqual([]);
  });

  it('registry gate (SageMaker registry, S3 reports, the committed decision): one decision, never lost', async () => {
    const clean = await registryWorld();
    await clean.deliver();
    expect(await clean.outcome()).toEqual({ status: 'Approved', decided: ['APPROVE'] });
    const problems: string[] = [];
    for (const c of cases(clean.faults.sites)) {
      const w = await registryWorld();
      w.faults.arm(c.site, c.kind, c.occurrence);
      const { firstFailed } = await deliverWithRetries(w.faults, w.deliver, w.wait);
      const outcome = await w.outcome();
      const served =
        w.faults.sites.filter((s) => s === 'SageMaker.UpdateModelPackage').length -
        (c.site === 'SageMaker.UpdateModelPackage' && c.kind !== 'timeout-after-success' ? 1 : 0);
      tally.sites.add(c.site);
      tally.injected += w.faults.injected();
      tally.actions += served;
      if (firstFailed) tally.surfaced += 1;
      else tally.absorbed += 1;
      if (w.faults.injected() !== 1) problems.push(`${label(c)}: site not reached`);
      if (served !== 1) problems.push(`${label(c)}: ${served} UpdateModelPackage calls served`);
      if (JSON.stringify(outcome) !== JSON.stringify({ status: 'Approved', decided: ['APPROVE'] }))
        problems.push(`${label(c)}: ${JSON.stringify(outcome)}`);
    }
    expect(problems).toEqual([]);
  });

  it('CodeDeploy rollback (ListDeployments, BatchGetDeployments, the committed decision, StopDeployment): stopped once', async () => {
    const clean = await rollbackWorld();
    await clean.deliver();
    expect(clean.stops).toEqual([{ deploymentId: clean.inFlight, autoRollbackEnabled: true }]);
    const problems: string[] = [];
    for (const c of cases(clean.faults.sites)) {
      const w = await rollbackWorld();
      w.faults.arm(c.site, c.kind, c.occurrence);
      const { firstFailed } = await deliverWithRetries(w.faults, w.deliver);
      tally.sites.add(c.site);
      tally.injected += w.faults.injected();
      tally.actions += w.stops.length;
      if (firstFailed) tally.surfaced += 1;
      else tally.absorbed += 1;
      if (w.faults.injected() !== 1) problems.push(`${label(c)}: site not reached`);
      // A StopDeployment whose response was lost may be sent again (same input; CodeDeploy answers
      // the second with the deployment already stopping): never a different or a missing stop.
      const expected = c.site === 'CodeDeploy.StopDeployment' && c.kind === 'timeout-after-success' ? 2 : 1;
      if (w.stops.length < 1 || w.stops.length > expected)
        problems.push(`${label(c)}: ${w.stops.length} StopDeployment calls served`);
      if (
        w.stops.some(
          (s) => JSON.stringify(s) !== JSON.stringify({ deploymentId: w.inFlight, autoRollbackEnabled: true }),
        )
      )
        problems.push(`${label(c)}: unexpected stop input`);
    }
    expect(problems).toEqual([]);
  });
});

describe('concurrency on the AWS adapters (moto)', () => {
  it('2 concurrent events for one package make 1 decision and 1 UpdateModelPackage; the other copy is retried', async () => {
    const w = await registryWorld();
    const settled = await Promise.allSettled([w.deliver(), w.deliver()]);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    // Without the decision's claim both copies would see PendingManualApproval and both decide.
    expect(w.faults.sites.filter((s) => s === 'SageMaker.UpdateModelPackage')).toHaveLength(1);
    expect(rejected.map((r) => r.reason.name)).toEqual(
      settled.length - rejected.length === 2 ? [] : ['ContentionError'],
    );
    w.wait();
    await w.deliver(); // the retry of the losing copy
    expect(await w.outcome()).toEqual({ status: 'Approved', decided: ['APPROVE'] });
    expect(w.faults.sites.filter((s) => s === 'SageMaker.UpdateModelPackage')).toHaveLength(1);
  }, 60_000);
});
