/**
 * moto implements neither GetPipelineState, GetPipelineExecution nor PutApprovalResult: the
 * requests are pinned with aws-sdk-client-mock, with the response shapes of the API reference.
 */
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { CodePipelineApprovals } from '../../../../functions/adapters/aws/codepipeline-approvals';
import { AwsCallError } from '../../../../functions/domain/errors';

const client = new CodePipelineClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const cp = mockClient(client);
const approvals = new CodePipelineApprovals(client);
const target = {
  pipeline: 'churn-deploy',
  stage: 'Approval',
  action: 'QualityGate',
  token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
};

beforeEach(() => cp.reset());
afterAll(() => cp.restore());

const state = (action: Record<string, unknown> | undefined, executionId = '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a') => ({
  pipelineName: 'churn-deploy',
  stageStates: [
    {
      stageName: 'Source',
      latestExecution: { pipelineExecutionId: '9c4b7a2e-1d6f-4a8b-9e3c-5f0a1b2c3d4e', status: 'Succeeded' as const },
    },
    {
      stageName: 'Approval',
      latestExecution: { pipelineExecutionId: executionId, status: 'InProgress' as const },
      actionStates: [{ actionName: 'QualityGate', ...(action ? { latestExecution: action } : {}) }],
    },
  ],
});

describe('CodePipelineApprovals (aws-sdk-client-mock: moto lacks these operations)', () => {
  it('reads the action\u2019s token and its stage\u2019s execution from GetPipelineState', async () => {
    cp.on(GetPipelineStateCommand).resolves(
      state({ status: 'InProgress', token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' }),
    );
    await expect(approvals.actionState('churn-deploy', 'Approval', 'QualityGate')).resolves.toEqual({
      executionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
      status: 'InProgress',
      token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
    });
    expect(cp.commandCalls(GetPipelineStateCommand).map((c) => c.args[0].input)).toEqual([{ name: 'churn-deploy' }]);
  });

  it('shows no token before CodePipeline publishes it', async () => {
    cp.on(GetPipelineStateCommand).resolves(state(undefined));
    await expect(approvals.actionState('churn-deploy', 'Approval', 'QualityGate')).resolves.toEqual({
      executionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
    });
  });

  it('answers undefined for an action the pipeline does not have, or a pipeline that does not exist', async () => {
    cp.on(GetPipelineStateCommand).resolves(state({ status: 'InProgress' }));
    await expect(approvals.actionState('churn-deploy', 'Approval', 'Other')).resolves.toBeUndefined();
    cp.on(GetPipelineStateCommand).rejects(Object.assign(new Error('nope'), { name: 'PipelineNotFoundException' }));
    await expect(approvals.actionState('gone', 'Approval', 'QualityGate')).resolves.toBeUndefined();
  });

  it('reads the execution\u2019s resolved V2 variables', async () => {
    cp.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
        variables: [{ name: 'MODEL_PACKAGE_ARN', resolvedValue: 'arn:aws:sagemaker:us-east-1:1:model-package/g/2' }],
      },
    });
    await expect(approvals.variables('churn-deploy', '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a')).resolves.toEqual({
      MODEL_PACKAGE_ARN: 'arn:aws:sagemaker:us-east-1:1:model-package/g/2',
    });
    expect(cp.commandCalls(GetPipelineExecutionCommand)[0]!.args[0].input).toEqual({
      pipelineName: 'churn-deploy',
      pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
    });
  });

  it('sends exactly the pipeline, stage, action, token, status and a summary clipped to 512 characters', async () => {
    cp.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
    await expect(approvals.answer(target, 'Rejected', 'y'.repeat(600))).resolves.toEqual({ answered: true });
    expect(cp.commandCalls(PutApprovalResultCommand).map((c) => c.args[0].input)).toEqual([
      {
        pipelineName: 'churn-deploy',
        stageName: 'Approval',
        actionName: 'QualityGate',
        token: '7e2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
        result: { status: 'Rejected', summary: `${'y'.repeat(511)}…` },
      },
    ]);
  });

  it.each(['InvalidApprovalTokenException', 'ApprovalAlreadyCompletedException'])(
    'reports %s as not answered (someone else did, or it expired) rather than failing',
    async (name) => {
      cp.on(PutApprovalResultCommand).rejects(Object.assign(new Error(name), { name }));
      await expect(approvals.answer(target, 'Approved', 's')).resolves.toEqual({ answered: false, reason: name });
    },
  );

  it('surfaces any other failure as a retryable AwsCallError', async () => {
    cp.on(PutApprovalResultCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(approvals.answer(target, 'Approved', 's')).rejects.toBeInstanceOf(AwsCallError);
  });
});
