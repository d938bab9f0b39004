import { codePipelineStartInput } from '../../../../functions/adapters/aws/codepipeline';
import { PipelineNotFoundError } from '../../../../functions/adapters/aws/pipelines';
import { sageMakerStartInput } from '../../../../functions/adapters/aws/sagemaker';
import { MemoryPipelines } from '../../../../functions/adapters/memory/pipelines';
import { MemoryWorld } from '../../../../functions/adapters/memory/world';
import type { Clock } from '../../../../functions/ports/clock';
import type { StartRequest } from '../../../../functions/ports/pipelines';
import { describePipelinesContract, targetFor } from '../../../contract/pipelines.contract';
import { startedExecutionId } from '../../../support/started';

const clock: Clock = { now: () => new Date('2024-05-01T12:00:00Z'), sleep: async () => {} };

for (const kind of ['codepipeline', 'sagemaker', 'stepfunctions', 'codebuild'] as const) {
  describePipelinesContract(
    'MemoryPipelines',
    kind,
    async () => {
      const world = new MemoryWorld(clock);
      let n = 0;
      return {
        pipelines: new MemoryPipelines(world),
        createPipeline: async () => {
          const name = `retrain-${(n += 1)}`;
          world.pipelines.set(name, { kind });
          return name;
        },
        executions: async (pipeline) =>
          world.executions.filter((e) => e.pipeline === pipeline).map((e) => ({ id: e.id, values: e.values })),
      };
    },
    { honoursClientRequestToken: true },
  );
}

describe('MemoryPipelines', () => {
  let world: MemoryWorld;
  let pipelines: MemoryPipelines;
  beforeEach(() => {
    world = new MemoryWorld(clock);
    world.pipelines.set('retrain-cp', { kind: 'codepipeline' });
    world.pipelines.set('retrain-sm', { kind: 'sagemaker' });
    pipelines = new MemoryPipelines(world, { region: 'eu-west-1', account: '111122223333' });
  });

  const cpRequest = {
    target: targetFor('codepipeline', 'retrain-cp'),
    token: 'batch-1',
    manifestUri: 's3://m/1.json',
    batchId: 'churn-1',
  } satisfies StartRequest;
  const smRequest = { ...cpRequest, target: targetFor('sagemaker', 'retrain-sm') } satisfies StartRequest;

  it('journals exactly the CodePipeline input the AWS adapter sends', async () => {
    await pipelines.start(cpRequest);
    expect(world.actions).toEqual([
      {
        service: 'codepipeline',
        operation: 'StartPipelineExecution',
        input: codePipelineStartInput(cpRequest),
        at: '2024-05-01T12:00:00.000Z',
      },
    ]);
    expect(world.actions[0]?.input).toEqual({
      name: 'retrain-cp',
      clientRequestToken: 'batch-1',
      variables: [
        { name: 'MANIFEST_URI', value: 's3://m/1.json' },
        { name: 'STAGE', value: 'prod' },
      ],
    });
  });

  it('journals exactly the SageMaker input the AWS adapter sends, with the token lengthened to the API minimum', async () => {
    await pipelines.start(smRequest);
    const expected = sageMakerStartInput(smRequest);
    expect(world.actions.map(({ service, operation, input }) => ({ service, operation, input }))).toEqual([
      { service: 'sagemaker', operation: 'StartPipelineExecution', input: expected },
    ]);
    expect(expected.ClientRequestToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns a SageMaker execution ARN in the configured region and account', async () => {
    await expect(pipelines.start(smRequest)).resolves.toEqual({
      executionId: expect.stringMatching(
        /^arn:aws:sagemaker:eu-west-1:111122223333:pipeline\/retrain-sm\/execution\/.+$/,
      ),
    });
  });

  it('records the execution as in progress with the values it received', async () => {
    const id = startedExecutionId(await pipelines.start(cpRequest));
    expect(world.executions).toEqual([
      {
        id,
        pipeline: 'retrain-cp',
        kind: 'codepipeline',
        token: 'batch-1',
        status: 'InProgress',
        values: { MANIFEST_URI: 's3://m/1.json', STAGE: 'prod' },
        startedAt: '2024-05-01T12:00:00.000Z',
      },
    ]);
  });

  it('journals a duplicate call, since AWS accepts it, but keeps a single execution', async () => {
    await pipelines.start(cpRequest);
    await pipelines.start(cpRequest);
    expect(world.actions).toHaveLength(2);
    expect(world.executions).toHaveLength(1);
  });

  it('treats the same token on two pipelines as two requests', async () => {
    world.pipelines.set('retrain-cp-2', { kind: 'codepipeline' });
    await pipelines.start(cpRequest);
    await pipelines.start({ ...cpRequest, target: targetFor('codepipeline', 'retrain-cp-2') });
    expect(world.executions.map((e) => e.pipeline)).toEqual(['retrain-cp', 'retrain-cp-2']);
  });

  it('refuses a target whose pipeline exists only as the other kind', async () => {
    const failure = await pipelines
      .start({ ...cpRequest, target: targetFor('codepipeline', 'retrain-sm') })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PipelineNotFoundError);
    expect((failure as Error).cause).toMatchObject({ name: 'PipelineNotFoundException' });
  });

  it('journals nothing for a refused start', async () => {
    await pipelines.start({ ...smRequest, target: targetFor('sagemaker', 'nope') }).catch(() => undefined);
    expect(world.actions).toEqual([]);
    expect(world.executions).toEqual([]);
  });
});
