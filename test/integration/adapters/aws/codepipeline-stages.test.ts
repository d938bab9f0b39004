/** moto does not implement these CodePipeline operations: exact inputs with aws-sdk-client-mock. */
import {
  CodePipelineClient,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  ListActionExecutionsCommand,
  RetryStageExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { CodePipelineStages, transitionReason } from '../../../../functions/adapters/aws/codepipeline-stages';

describe('CodePipelineStages', () => {
  const client = new CodePipelineClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  beforeEach(() => mock.reset());

  it('freezes the inbound transition with a reason CodePipeline accepts', async () => {
    mock.on(DisableStageTransitionCommand).resolves({});
    await new CodePipelineStages(client).freeze(
      'p',
      'Prod',
      'froze: alarm churn_errors/p99 in ALARM since 2026-11-22T10:00:00Z',
    );
    expect(mock.commandCalls(DisableStageTransitionCommand)[0]!.args[0].input).toEqual({
      pipelineName: 'p',
      stageName: 'Prod',
      transitionType: 'Inbound',
      reason: 'froze alarm churn errors p99 in ALARM since 2026-11-22T10 00 00Z',
    });
  });

  it('keeps reasons within 300 allowed characters', () => {
    const r = transitionReason(`x:${'a'.repeat(400)}`);
    expect(r).toMatch(/^[a-zA-Z0-9!@ ().*?-]{1,300}$/);
    expect(transitionReason('::::')).toBe('frozen by mlops-controller');
  });

  it('unfreezes and retries failed actions', async () => {
    mock
      .on(EnableStageTransitionCommand)
      .resolves({})
      .on(RetryStageExecutionCommand)
      .resolves({ pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' });
    const s = new CodePipelineStages(client);
    await s.unfreeze('p', 'Prod');
    await s.retry('p', 'Deploy', '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a');
    expect(mock.commandCalls(EnableStageTransitionCommand)[0]!.args[0].input).toEqual({
      pipelineName: 'p',
      stageName: 'Prod',
      transitionType: 'Inbound',
    });
    expect(mock.commandCalls(RetryStageExecutionCommand)[0]!.args[0].input).toEqual({
      pipelineName: 'p',
      stageName: 'Deploy',
      pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
      retryMode: 'FAILED_ACTIONS',
    });
  });

  it("lists an execution's actions across pages with their category", async () => {
    mock
      .on(ListActionExecutionsCommand)
      .resolvesOnce({
        actionExecutionDetails: [
          {
            stageName: 'Deploy',
            actionName: 'Approve',
            status: 'Failed',
            input: { actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } },
          },
        ],
        nextToken: 't',
      })
      .resolvesOnce({
        actionExecutionDetails: [
          {
            stageName: 'Build',
            actionName: 'Build',
            status: 'Succeeded',
            input: { actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' } },
          },
        ],
      });
    expect(await new CodePipelineStages(client).actions('p', '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a')).toEqual([
      { stage: 'Deploy', action: 'Approve', category: 'Approval', status: 'Failed' },
      { stage: 'Build', action: 'Build', category: 'Build', status: 'Succeeded' },
    ]);
    expect(mock.commandCalls(ListActionExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      { pipelineName: 'p', filter: { pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' } },
      { pipelineName: 'p', filter: { pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' }, nextToken: 't' },
    ]);
  });
});
