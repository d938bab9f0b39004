import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryWorld } from '../../../functions/adapters/memory/world';
import { takeViolations } from '../../support/aws-rules/models-setup';
import { TestClock } from '../../support/memory-harness';

const invalid = { name: 'churn train' };
const refusal = {
  name: 'ValidationException',
  message: expect.stringContaining('codepipeline.StartPipelineExecution name [pattern]'),
};
const found = () => takeViolations().map((v) => `${v.service}.${v.operation} ${v.path} ${v.rule}`);

// Nothing listens on port 9 (discard): a request that got past the check would fail to connect.
const client = () =>
  new CodePipelineClient({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });

describe('the request-model hooks in every layer', () => {
  it('refuses an invalid SDK request before it is sent, and reports it', async () => {
    await expect(client().send(new StartPipelineExecutionCommand(invalid))).rejects.toMatchObject(refusal);
    expect(found()).toEqual(['codepipeline.StartPipelineExecution name pattern']);
  });

  it('refuses an invalid request to an aws-sdk-client-mock stub before its behaviour runs', async () => {
    const c = client();
    const mock = mockClient(c);
    mock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a' });
    await expect(c.send(new StartPipelineExecutionCommand(invalid))).rejects.toMatchObject(refusal);
    await expect(c.send(new StartPipelineExecutionCommand({ name: 'churn-train' }))).resolves.toMatchObject({
      pipelineExecutionId: '5d2e8c1a-7b3f-4e9d-8a6c-0f1e2d3c4b5a',
    });
    expect(found()).toEqual(['codepipeline.StartPipelineExecution name pattern']);
    mock.restore();
  });

  it('refuses an invalid memory action and records nothing', () => {
    const world = new MemoryWorld(new TestClock());
    expect(() => world.record('codepipeline', 'StartPipelineExecution', invalid)).toThrow(
      expect.objectContaining(refusal),
    );
    world.record('codepipeline', 'StartPipelineExecution', { name: 'churn-train' });
    expect(world.actions.map((a) => a.input)).toEqual([{ name: 'churn-train' }]);
    expect(found()).toEqual(['codepipeline.StartPipelineExecution name pattern']);
  });
});
