/**
 * The stageRetry function's real handler, built by stageRetryRuntime
 * (functions/config/rollback-runtime.ts) as Lambda builds it: the attempt counter, the kill switch
 * and the decisions on the moto state table. moto implements neither ListActionExecutions nor
 * RetryStageExecution: both are stubbed on the runtime's own CodePipeline clients.
 */
import { randomUUID } from 'node:crypto';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../functions/adapters/aws/dynamodb/decision-log';
import { validatePolicy } from '../../functions/config/policy';
import { handler } from '../../functions/handlers/stage-failed';
import { awsClientConfig, createStateTable, uniqueName } from '../support/aws';
import { loadFixture } from '../support/fixtures';
import { lambdaContext, runtimeOnMoto, stubOnEveryClient } from '../support/lambda-on-moto';
import { policyInput } from '../support/policies';

const dynamo = new DynamoDBClient(awsClientConfig());
const table = uniqueName('stage-retry-lambda');
const pipeline = uniqueName('deploy-pipeline');

const policy = validatePolicy({
  ...policyInput([]),
  stageRetry: [{ pipeline, stages: ['Deploy'], maxAttempts: 1, delaySeconds: 0 }],
});

/** ListActionExecutions' answer per execution: the stage's actions and how they ended. */
const actionRuns = new Map<string, Array<{ action: string; category: string; status: string }>>();
let codepipeline: ReturnType<typeof stubOnEveryClient>;

beforeAll(async () => {
  await createStateTable(dynamo, table);
  codepipeline = stubOnEveryClient(CodePipelineClient, {
    ListActionExecutionsCommand: (input: { filter: { pipelineExecutionId: string } }) => ({
      actionExecutionDetails: (actionRuns.get(input.filter.pipelineExecutionId) ?? []).map((r) => ({
        pipelineExecutionId: input.filter.pipelineExecutionId,
        stageName: 'Deploy',
        actionName: r.action,
        status: r.status,
        input: { actionTypeId: { category: r.category, owner: 'AWS', provider: 'CodeDeploy', version: '1' } },
      })),
    }),
    RetryStageExecutionCommand: (input: { pipelineExecutionId: string }) => ({
      pipelineExecutionId: input.pipelineExecutionId,
    }),
  });
  runtimeOnMoto(table, policy);
});
afterAll(() => {
  codepipeline.restore();
  dynamo.destroy();
});

/** EventBridge's "Stage Execution State Change" (the fixture), FAILED, for this file's pipeline. */
function stageFailedEvent(executionId: string, id = uniqueName('event')) {
  const event = loadFixture('codepipeline-stage-execution-state-change.stopped');
  return {
    ...event,
    id,
    region: 'us-east-1',
    resources: [`arn:aws:codepipeline:us-east-1:123456789012:${pipeline}`],
    detail: { ...event.detail, pipeline, 'execution-id': executionId, stage: 'Deploy', state: 'FAILED' },
  };
}

const retries = (executionId: string) =>
  codepipeline.inputs.RetryStageExecutionCommand!.filter((r) => r.pipelineExecutionId === executionId);
const decisionsOf = async (executionId: string) =>
  (await new DynamoDecisionLog(dynamo, table).list()).filter((d) => d.subject === `${pipeline}/Deploy/${executionId}`);

describe('the stageRetry Lambda handler on moto', () => {
  it('retries a failed Deploy stage (FAILED_ACTIONS) once and records RETRIED', async () => {
    const execution = randomUUID();
    actionRuns.set(execution, [{ action: 'DeployModel', category: 'Deploy', status: 'Failed' }]);
    await handler(stageFailedEvent(execution), lambdaContext('stage-retry'));
    expect(retries(execution)).toEqual([
      { pipelineName: pipeline, stageName: 'Deploy', pipelineExecutionId: execution, retryMode: 'FAILED_ACTIONS' },
    ]);
    expect(await decisionsOf(execution)).toEqual([
      expect.objectContaining({ kind: 'rollback.stage-retry', outcome: 'RETRIED' }),
    ]);
  });

  it('a redelivered failure event counts no second attempt and retries nothing more', async () => {
    const execution = randomUUID();
    actionRuns.set(execution, [{ action: 'DeployModel', category: 'Deploy', status: 'Failed' }]);
    const event = stageFailedEvent(execution);
    await handler(event, lambdaContext('stage-retry'));
    await handler(event, lambdaContext('stage-retry'));
    expect(retries(execution)).toHaveLength(1);
    expect((await decisionsOf(execution)).map((d) => d.outcome)).toEqual(['RETRIED']);
  });

  it('a second failure of the same execution past maxAttempts is left failed, recorded LEFT_FAILED', async () => {
    const execution = randomUUID();
    actionRuns.set(execution, [{ action: 'DeployModel', category: 'Deploy', status: 'Failed' }]);
    await handler(stageFailedEvent(execution), lambdaContext('stage-retry'));
    await handler(stageFailedEvent(execution), lambdaContext('stage-retry'));
    expect(retries(execution)).toHaveLength(1);
    expect((await decisionsOf(execution)).map((d) => d.outcome).sort()).toEqual(['LEFT_FAILED', 'RETRIED']);
  });

  it('a stage whose manual approval was rejected is not retried (NOT_RETRIED)', async () => {
    const execution = randomUUID();
    actionRuns.set(execution, [{ action: 'SignOff', category: 'Approval', status: 'Failed' }]);
    await handler(stageFailedEvent(execution), lambdaContext('stage-retry'));
    expect(retries(execution)).toEqual([]);
    expect(await decisionsOf(execution)).toEqual([expect.objectContaining({ outcome: 'NOT_RETRIED' })]);
  });
});
