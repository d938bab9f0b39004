/**
 * An alarm's response as resumable steps on the AWS adapters (issue 12, defect 3): CodeDeploy,
 * SageMaker model packages, SNS, CloudWatch and DynamoDB (claims, decisions, the incident's
 * findings) on moto; StopDeployment and DisableStageTransition (moto lacks both) answered on the
 * otherwise real clients.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CloudWatchAlarms } from '../../functions/adapters/aws/cloudwatch';
import { CodeDeployDeployments } from '../../functions/adapters/aws/codedeploy';
import { CodePipelineStages } from '../../functions/adapters/aws/codepipeline-stages';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { DynamoKillSwitch } from '../../functions/adapters/aws/dynamodb/kill-switch';
import { DynamoRollbackStore } from '../../functions/adapters/aws/dynamodb/rollback-store';
import { SageMakerPackageStatus } from '../../functions/adapters/aws/package-status';
import { SageMakerEndpoints } from '../../functions/adapters/aws/sagemaker-endpoints';
import { SnsNotifier } from '../../functions/adapters/aws/sns';
import { validatePolicy } from '../../functions/config/policy';
import { ROLLBACK_MARK } from '../../functions/domain/rollback';
import { alarmFired } from '../../functions/handlers/alarm-fired';
import { systemClock } from '../../functions/ports/clock';
import { Guardrails } from '../../functions/guardrails';
import { RollbackWorkflow } from '../../functions/workflows/rollback';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { countCalls } from '../support/call-counter';
import { firingOnMoto, sentAt } from '../support/cloudwatch-alarms';
import { loadFixture } from '../support/fixtures';
import { recordingLogger } from '../support/memory-harness';
import { fixMotoCodeDeployTimes } from '../support/moto-codedeploy-times';
import { motoRollbackTarget } from '../support/moto-rollback-target';
import { policyInput } from '../support/policies';
import { serializeRequests } from '../support/serialize-requests';
import { stubOperation } from '../support/stub-operation';

const dynamo = new DynamoDBClient(awsClientConfig());
serializeRequests(dynamo);
const table = uniqueName('rollback-steps');
beforeAll(() => createStateTable(dynamo, table));
beforeAll(async () => {
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  await firingOnMoto(cloudwatch);
  cloudwatch.destroy();
});
afterAll(() => dynamo.destroy());

/** Inputs of every `command` the client sends, the call itself going on to moto. */
function inputsOf(client: { middlewareStack: { add: (...args: any[]) => void } }, command: string, failFirst = 0) {
  const inputs: any[] = [];
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
      if (context.commandName !== command) return next(args);
      inputs.push(structuredClone(args.input));
      if (failFirst-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return next(args);
    },
    { step: 'initialize', priority: 'low', name: `inputs-${command}-${Math.random()}` },
  );
  return inputs;
}

async function world(rejectFailures = 1) {
  const codedeploy = new CodeDeployClient(awsClientConfig());
  fixMotoCodeDeployTimes(codedeploy);
  const sagemaker = new SageMakerClient(awsClientConfig());
  const sns = new SNSClient(awsClientConfig());
  const codepipeline = new CodePipelineClient(awsClientConfig());
  const cloudwatch = new CloudWatchClient(awsClientConfig());
  const { group, pkg, application, inFlight } = await motoRollbackTarget(codedeploy, sagemaker);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('decisions') }))).TopicArn!;
  const stops = stubOperation(codedeploy, 'StopDeploymentCommand', () => ({ status: 'Pending' }));
  const freezes = stubOperation(codepipeline, 'DisableStageTransitionCommand', () => ({}));
  const rejects = inputsOf(sagemaker, 'UpdateModelPackageCommand', rejectFailures);
  const published = inputsOf(sns, 'PublishCommand');
  const policy = validatePolicy({
    ...policyInput([]),
    rollback: [
      {
        name: 'live',
        alarms: { names: ['ServerCpuTooHigh'] },
        codedeploy: { application, deploymentGroup: 'live' },
        modelPackageGroup: group,
        freeze: { pipeline: 'churn-deploy', stage: 'Production' },
      },
    ],
  });
  policy.controller.decisions.topicArn = topicArn;
  const { logger } = recordingLogger();
  const killSwitch = new DynamoKillSwitch(dynamo, table);
  const decisions = new DynamoDecisionLog(dynamo, table, { killSwitch });
  const guardrails = new Guardrails({
    policy,
    killSwitch,
    notifier: new SnsNotifier(sns),
    logger,
    clock: systemClock,
  });
  const workflow = new RollbackWorkflow(
    guardrails.guardWrites({
      policy,
      store: new DynamoRollbackStore(dynamo, table),
      deployments: new CodeDeployDeployments(codedeploy),
      endpoints: new SageMakerEndpoints(sagemaker),
      alarms: new CloudWatchAlarms(cloudwatch),
      stages: new CodePipelineStages(codepipeline),
      packages: new SageMakerPackageStatus(sagemaker),
      decisions,
      clock: systemClock,
      logger,
    }),
  );
  const counter = countCalls(codedeploy, dynamo, sagemaker, codepipeline, sns, cloudwatch);
  const handle = alarmFired(workflow, logger);
  const since = new Date().toISOString();
  const deliver = () => handle(sentAt(loadFixture('cloudwatch-alarm-state-change.single-metric'), since));
  /** CodeDeploy's answer to the stop (moto makes none): a newer deployment that is itself a rollback. */
  const rolledBack = () =>
    codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        description: `${ROLLBACK_MARK}: stands in for CodeDeploy's automatic rollback of ${inFlight}`,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: 'model v3' } },
      }),
    );
  const status = async () =>
    (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: pkg }))).ModelApprovalStatus;
  return { counter, pkg, inFlight, stops, freezes, rejects, published, decisions, deliver, rolledBack, status };
}

describe('an alarm response that fails partway, on the AWS adapters', () => {
  it('the stop succeeded and rejecting threw: the retry rejects the package though the plan now finds nothing, and every effect happens once', async () => {
    const w = await world();
    await expect(w.deliver()).rejects.toThrow(/UpdateModelPackage failed: Rate exceeded/);
    expect(w.freezes).toHaveLength(1);
    expect(w.stops).toEqual([{ deploymentId: w.inFlight, autoRollbackEnabled: true }]);
    expect(await w.status()).toBe('Approved');
    const failed = (await w.decisions.list()).filter((d) => d.kind === 'rollback.step' && d.subject === 'live/reject');
    expect(failed).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        inputs: expect.objectContaining({ step: 'reject', retryable: true }),
      }),
    ]);
    expect(w.published.map((p) => p.Subject)).toContain('mlops-controller rollback.step FAILED');

    await w.rolledBack();
    await w.deliver();
    expect(await w.status()).toBe('Rejected');
    // A later copy finds every step done: 8 calls, no effect.
    w.counter.reset();
    await w.deliver();
    expect(w.counter.calls).toEqual([
      'CloudWatch.DescribeAlarms',
      'DynamoDB.TransactWriteItems', // the freeze's claim, held: refused
      'CodeDeploy.ListDeployments',
      'CodeDeploy.BatchGetDeployments',
      'DynamoDB.Query', // nothing to roll back now: what this episode found earlier
      'DynamoDB.PutItem', // ALREADY_ROLLED_BACK
      'SNS.Publish', // /ROLL/ is noteworthy, as NOTHING_TO_ROLL_BACK was before
      'DynamoDB.TransactWriteItems', // the rejection's claim, held: refused
    ]);
    // Two concurrent copies more: nothing left to do.
    await Promise.all([w.deliver(), w.deliver()]);
    expect(w.stops).toHaveLength(1);
    expect(w.freezes).toHaveLength(1);
    expect(w.rejects.map((r) => r.ModelPackageArn)).toEqual([w.pkg, w.pkg]); // the throttled call, then the one that landed
    const all = await w.decisions.list();
    const mine = (kind: string, outcome: string) =>
      all.filter((d) => d.kind === kind && d.outcome === outcome && d.subject.startsWith('live/'));
    expect(mine('rollback.package', 'REJECTED')).toHaveLength(1);
    expect(mine('rollback.freeze', 'FROZEN')).toHaveLength(1);
    expect(mine('rollback.codedeploy', 'STOPPED')).toHaveLength(1);
    expect(mine('rollback.codedeploy', 'ALREADY_ROLLED_BACK')[0]?.reasons).toContain(
      `an earlier delivery of this alarm episode acted on ${w.inFlight}`,
    );
  });

  it('a full response (freeze, stop, reject) costs 15 AWS calls (2 of them SNS), 3 more than before the steps', async () => {
    const w = await world(0);
    w.counter.reset();
    await w.deliver();
    expect(w.counter.calls).toEqual([
      'CloudWatch.DescribeAlarms',
      'DynamoDB.TransactWriteItems', // freeze: its committed decision
      'CodePipeline.DisableStageTransition',
      'DynamoDB.UpdateItem', // the freeze record, this alarm added to the alarms that froze it
      'DynamoDB.UpdateItem', // + the freeze's claim held for the episode
      'SNS.Publish', // FROZEN
      'CodeDeploy.ListDeployments',
      'CodeDeploy.BatchGetDeployments',
      'DynamoDB.PutItem', // + the incident's findings, before the stop
      'DynamoDB.TransactWriteItems',
      'CodeDeploy.StopDeployment',
      'DynamoDB.TransactWriteItems', // reject: its committed decision (was a PutItem after the call)
      'SageMaker.UpdateModelPackage',
      'DynamoDB.UpdateItem', // + the rejection's claim held for the episode
      'SNS.Publish', // REJECTED
    ]);
    expect(await w.status()).toBe('Rejected');
  });
});
