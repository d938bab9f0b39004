/**
 * CodeDeploy against moto for what moto implements (applications, groups, CreateDeployment,
 * ListDeployments, Get/BatchGetDeployments with its timestamps fixed up); StopDeployment and
 * PutLifecycleEventHookExecutionStatus, which moto lacks, with aws-sdk-client-mock (exact inputs).
 */
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  DeploymentAlreadyCompletedException,
  GetDeploymentCommand,
  LifecycleEventAlreadyCompletedException,
  BatchGetDeploymentsCommand,
  ListDeploymentsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { CodeDeployDeployments, MAX_RECENT_DEPLOYMENTS } from '../../../../functions/adapters/aws/codedeploy';
import { AwsCallError, DeploymentFinishedError } from '../../../../functions/domain/errors';
import { awsClientConfig, uniqueName } from '../../../support/aws';
import { fixMotoCodeDeployTimes } from '../../../support/moto-codedeploy-times';
import { deploymentIdOf } from '../../../support/started';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4';

describe('CodeDeployDeployments (moto)', () => {
  const client = new CodeDeployClient(awsClientConfig());
  fixMotoCodeDeployTimes(client);
  const app = uniqueName('app');
  const group = 'live';
  const revision = (v: string) => ({
    revisionType: 'AppSpecContent' as const,
    appSpecContent: { content: `model ${v}` },
  });
  let first = '';

  beforeAll(async () => {
    await client.send(new CreateApplicationCommand({ applicationName: app, computePlatform: 'Lambda' }));
    await client.send(
      new CreateDeploymentGroupCommand({
        applicationName: app,
        deploymentGroupName: group,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      }),
    );
    first = (
      await client.send(
        new CreateDeploymentCommand({
          applicationName: app,
          deploymentGroupName: group,
          revision: revision('v4'),
          description: `deploy ${ARN}`,
        }),
      )
    ).deploymentId!;
  });
  afterAll(() => client.destroy());

  it('lists recent deployments with status, time, revision and the package they name', async () => {
    const recent = await new CodeDeployDeployments(client).recent(app, group, new Date(Date.now() - 86_400_000));
    expect(recent).toEqual([
      expect.objectContaining({
        id: first,
        status: 'Created',
        revision: revision('v4'),
        modelPackageArn: ARN,
        creator: 'user',
      }),
    ]);
    expect(Date.parse(recent[0]!.createTime)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('reads one deployment with its application and group', async () => {
    expect(await new CodeDeployDeployments(client).get(first)).toEqual(
      expect.objectContaining({ id: first, application: app, deploymentGroup: group, modelPackageArn: ARN }),
    );
  });

  it('redeploys a revision into the group with the given description and its alarm polling off', async () => {
    const id = deploymentIdOf(
      await new CodeDeployDeployments(client).redeploy(
        app,
        group,
        revision('v3'),
        'mlops-controller rollback: alarm x',
      ),
    );
    const listed = await client.send(new ListDeploymentsCommand({ applicationName: app, deploymentGroupName: group }));
    expect(listed.deployments).toContain(id);
    expect(await new CodeDeployDeployments(client).get(id)).toEqual(
      expect.objectContaining({ revision: revision('v3'), description: 'mlops-controller rollback: alarm x' }),
    );
    // What CodeDeploy stored for the deployment: the group's alarms are not polled for this one.
    const stored = await client.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(stored.deploymentInfo?.overrideAlarmConfiguration).toEqual({ enabled: false });
  });

  it('reports the compute platform of each deployment, as BatchGetDeployments answers it', async () => {
    const recent = await new CodeDeployDeployments(client).recent(app, group, new Date(Date.now() - 86_400_000));
    expect(new Set(recent.map((d) => d.computePlatform))).toEqual(new Set(['Lambda']));
  });

  it('surfaces a missing deployment group as AwsCallError', async () => {
    await expect(new CodeDeployDeployments(client).redeploy(app, 'nope', revision('v3'), 'x')).rejects.toBeInstanceOf(
      AwsCallError,
    );
  });
});

describe('CodeDeployDeployments (operations moto lacks)', () => {
  const client = new CodeDeployClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  beforeEach(() => mock.reset());

  const completed = () => new DeploymentAlreadyCompletedException({ message: 'done', $metadata: {} });

  it('stops with automatic rollback, and treats a deployment that already failed or stopped as stopped', async () => {
    mock.on(StopDeploymentCommand).resolvesOnce({ status: 'Pending' }).rejects(completed());
    mock
      .on(GetDeploymentCommand)
      .resolvesOnce({ deploymentInfo: { deploymentId: 'd-2', status: 'Stopped' } })
      .resolvesOnce({ deploymentInfo: { deploymentId: 'd-3', status: 'Failed' } });
    const d = new CodeDeployDeployments(client);
    await d.stop('d-1');
    await d.stop('d-2');
    await d.stop('d-3');
    expect(mock.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-1', autoRollbackEnabled: true },
      { deploymentId: 'd-2', autoRollbackEnabled: true },
      { deploymentId: 'd-3', autoRollbackEnabled: true },
    ]);
    expect(mock.commandCalls(GetDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-2' },
      { deploymentId: 'd-3' },
    ]);
  });

  // StopDeployment answers DeploymentAlreadyCompletedException for a deployment that finished in any
  // way (API reference): one that Succeeded left the bad revision live, so the rollback is not done.
  it('refuses, retryably, to count a deployment that Succeeded before the stop as stopped', async () => {
    mock.on(StopDeploymentCommand).rejects(completed());
    mock.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-1', status: 'Succeeded' } });
    const error = await new CodeDeployDeployments(client).stop('d-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFinishedError);
    expect(error).toMatchObject({ retryable: true, deploymentId: 'd-1' });
  });

  it('answers a lifecycle hook; a second answer to the same hook is not an error', async () => {
    mock
      .on(PutLifecycleEventHookExecutionStatusCommand)
      .resolvesOnce({})
      .rejectsOnce(new LifecycleEventAlreadyCompletedException({ message: 'done', $metadata: {} }));
    const d = new CodeDeployDeployments(client);
    await d.answerHook('d-1', 'h-1', 'Succeeded');
    await d.answerHook('d-1', 'h-1', 'Failed');
    expect(mock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)[0]!.args[0].input).toEqual({
      deploymentId: 'd-1',
      lifecycleEventHookExecutionId: 'h-1',
      status: 'Succeeded',
    });
  });

  // moto answers ListDeployments in one page; real CodeDeploy pages with nextToken and promises no order.
  it('reads every ListDeployments page and orders what it found by createTime, newest first', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `d-${String(i).padStart(9, 'A')}`);
    const minuteOf = (id: string) => (Number(id.slice(-2).replace(/A/g, '')) * 7) % 30;
    mock
      .on(ListDeploymentsCommand)
      .resolvesOnce({ deployments: ids.slice(0, 20), nextToken: 'page-2' })
      .resolvesOnce({ deployments: ids.slice(20) });
    mock.on(BatchGetDeploymentsCommand).callsFake(({ deploymentIds }: { deploymentIds: string[] }) => ({
      deploymentsInfo: deploymentIds.map((deploymentId) => ({
        deploymentId,
        status: 'Succeeded',
        createTime: new Date(Date.UTC(2026, 10, 22, 10, minuteOf(deploymentId))),
      })),
    }));
    const recent = await new CodeDeployDeployments(client).recent('app', 'live', new Date('2026-11-22T00:00:00Z'));
    // The paginator reuses one input object, so only the number of pages and the last token are visible.
    const lists = mock.commandCalls(ListDeploymentsCommand);
    expect(lists).toHaveLength(2);
    expect(lists[1]!.args[0].input.nextToken).toBe('page-2');
    expect(mock.commandCalls(BatchGetDeploymentsCommand).map((c) => c.args[0].input.deploymentIds!.length)).toEqual([
      25, 5,
    ]);
    expect(recent).toHaveLength(30);
    const times = recent.map((d) => d.createTime);
    expect(times).toEqual([...times].sort().reverse());
    expect(recent[0]!.createTime).toBe('2026-11-22T10:29:00.000Z');
  });

  it('refuses to judge on a subset when a group has more recent deployments than it reads', async () => {
    const page = Array.from({ length: 100 }, (_, i) => `d-${i}`);
    mock.on(ListDeploymentsCommand).resolves({ deployments: page, nextToken: 'more' });
    await expect(
      new CodeDeployDeployments(client).recent('app', 'live', new Date('2026-11-22T00:00:00Z')),
    ).rejects.toThrow(AwsCallError);
    expect(mock.commandCalls(ListDeploymentsCommand).length).toBe(MAX_RECENT_DEPLOYMENTS / 100 + 1);
    expect(mock.commandCalls(BatchGetDeploymentsCommand)).toEqual([]);
  });

  it('surfaces other failures as retryable AwsCallError', async () => {
    mock
      .on(PutLifecycleEventHookExecutionStatusCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(new CodeDeployDeployments(client).answerHook('d', 'h', 'Failed')).rejects.toMatchObject({
      retryable: true,
    });
  });
});
