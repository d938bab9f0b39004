import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CodePipelineStarter } from '../../../../functions/adapters/aws/codepipeline';
import { AwsPipelines, PipelineNotFoundError } from '../../../../functions/adapters/aws/pipelines';
import { SageMakerPipelineStarter } from '../../../../functions/adapters/aws/sagemaker';
import {
  StepFunctionsStarter,
  executionArn,
  executionName,
  stepFunctionsStartInput,
} from '../../../../functions/adapters/aws/stepfunctions';
import { describePipelinesContract, stateMachineArnOf, targetFor } from '../../../contract/pipelines.contract';
import { awsClientConfig, uniqueName } from '../../../support/aws';
import { startedExecutionId } from '../../../support/started';

const sfn = new SFNClient(awsClientConfig());
const pipelines = new AwsPipelines({
  // Never called for state machines; real clients so a stray call fails loudly against moto.
  codepipeline: new CodePipelineStarter(new CodePipelineClient(awsClientConfig())),
  sagemaker: new SageMakerPipelineStarter(new SageMakerClient(awsClientConfig())),
  stepfunctions: new StepFunctionsStarter(sfn),
});

async function createStateMachine(): Promise<string> {
  const name = uniqueName('retrain');
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify({ StartAt: 'Train', States: { Train: { Type: 'Pass', End: true } } }),
      roleArn: 'arn:aws:iam::123456789012:role/retraining-state-machine',
    }),
  );
  expect(created.stateMachineArn).toBe(stateMachineArnOf(name));
  return name;
}

async function executions(name: string) {
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArnOf(name) }));
  const found = await Promise.all(
    (listed.executions ?? []).map(async ({ executionArn: arn }) => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn! }));
      const { parameters, ...own } = JSON.parse(d.input!) as Record<string, string> & {
        parameters: Record<string, string>;
      };
      return { id: arn!, startDate: d.startDate!, values: { ...parameters, ...own } };
    }),
  );
  // ListExecutions answers newest first; the contract wants the oldest first.
  return found.sort((a, b) => a.startDate.getTime() - b.startDate.getTime()).map(({ id, values }) => ({ id, values }));
}

describePipelinesContract(
  'AwsPipelines on moto',
  'stepfunctions',
  async () => ({ pipelines, createPipeline: createStateMachine, executions }),
  // moto keeps one execution per name while it runs, as Step Functions does.
  { honoursClientRequestToken: true },
);

describe('StepFunctionsStarter on moto', () => {
  const request = (name: string) => ({
    target: targetFor('stepfunctions', name),
    token: 'a'.repeat(64),
    manifestUri: 's3://m/churn/7.json',
    batchId: 'churn-7',
  });

  it('names the execution after the run and its token, within the API limits', () => {
    const name = executionName('churn-7', 'a'.repeat(64));
    expect(name).toMatch(/^churn-7-[0-9a-f]{16}$/);
    const long = executionName(`${'r'.repeat(64)}-1234567890`, 't');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(executionName('alarm-p99 latency/high', 't')).toMatch(/^alarm-p99_latency_high-[0-9a-f]{16}$/);
    expect(executionName('churn-7', 'other')).not.toBe(name);
  });

  it('sends the manifest, the batch id and the parameters as the execution input', () => {
    const input = stepFunctionsStartInput(request('sm'));
    expect(JSON.parse(input.input!)).toEqual({
      manifestUri: 's3://m/churn/7.json',
      batchId: 'churn-7',
      parameters: { InstanceType: 'ml.m5.large' },
    });
    expect(input.stateMachineArn).toBe(stateMachineArnOf('sm'));
  });

  it('starts one execution when the same start is delivered twice and concurrently', async () => {
    const name = await createStateMachine();
    const ids = await Promise.all([1, 2, 3].map(() => pipelines.start(request(name))));
    const first = startedExecutionId(ids[0]!);
    expect(ids.map(startedExecutionId)).toEqual([first, first, first]);
    expect(await executions(name)).toHaveLength(1);
  });

  it('answers the execution it started after that execution ended (ExecutionAlreadyExists)', async () => {
    const name = await createStateMachine();
    const first = startedExecutionId(await pipelines.start(request(name)));
    await sfn.send(new StopExecutionCommand({ executionArn: first }));
    const again = startedExecutionId(await pipelines.start(request(name)));
    expect(again).toBe(first);
    expect(again).toBe(executionArn(stateMachineArnOf(name), executionName('churn-7', 'a'.repeat(64))));
    expect(await executions(name)).toHaveLength(1);
  });

  it('refuses a state machine that does not exist, naming it, without retrying', async () => {
    const failure = await pipelines.start(request(uniqueName('missing'))).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineNotFoundError);
    expect(failure).toMatchObject({ retryable: false });
  });
});
