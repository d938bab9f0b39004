import { dataArrived } from '../../../functions/handlers/data-arrived';
import { executionFinished } from '../../../functions/handlers/execution-finished';
import { sweeper } from '../../../functions/handlers/sweeper';
import { loadFixture } from '../../support/fixtures';
import { basePolicy, memoryHarness } from '../../support/memory-harness';

const policy = basePolicy({
  retraining: [
    {
      name: 'docs',
      source: { bucket: 'DOC-EXAMPLE-BUCKET1' },
      target: { type: 'codepipeline', name: 'myPipeline' },
      trigger: { maxObjects: 1 },
      guards: { exclusive: true, maxRunSeconds: 3600 },
    },
  ],
});

/** Holds the first StartPipelineExecution until the returned function is called. */
function holdFirstStart(h: ReturnType<typeof memoryHarness>): () => void {
  const original = h.deps.pipelines.start.bind(h.deps.pipelines);
  let resume!: () => void;
  const held = new Promise<void>((resolve) => (resume = resolve));
  let first = true;
  h.deps.pipelines.start = async (request) => {
    if (first) {
      first = false;
      await held;
    }
    return original(request);
  };
  return resume;
}

function drop(key: string) {
  const e = loadFixture('s3-object-created.eventbridge.json');
  e.detail.object.key = key;
  return e;
}

describe('execution-finished handler and the exclusive guard', () => {
  it('defers a batch while the rule’s execution runs, then starts it when the terminal event arrives', async () => {
    const h = memoryHarness(policy);
    const data = dataArrived(h.workflow, h.logger);
    await data(drop('one'));
    await data(drop('two'));
    expect(h.starts()).toHaveLength(1);
    expect((await h.runs.getBatch('docs', 1))?.status).toBe('DEFERRED');
    // The running execution is named although only its batch record holds its id.
    const running = h.world.executions[0]!.id;
    expect(h.decisions.decisions.find((d) => d.kind === 'retraining.defer')?.reasons).toEqual([
      `batch 0 is still running (execution ${running})`,
    ]);

    const finished = loadFixture('codepipeline-pipeline-execution-state-change.succeeded.json');
    finished.detail['execution-id'] = running;
    await executionFinished(h.workflow, h.logger)(finished);
    await executionFinished(h.workflow, h.logger)(finished); // duplicate terminal event
    expect(h.starts()).toHaveLength(2);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.release')).toHaveLength(1);
  });

  // CodePipeline's event spells it CANCELED (pipeline structure updated mid-run); no fixture shows
  // one, so the published FAILED event is cloned with only its state changed.
  it('a CANCELED execution releases the exclusive guard and starts the deferred batch', async () => {
    const h = memoryHarness(policy);
    await dataArrived(h.workflow, h.logger)(drop('one'));
    await dataArrived(h.workflow, h.logger)(drop('two'));
    expect((await h.runs.getBatch('docs', 1))?.status).toBe('DEFERRED');
    const canceled = loadFixture('codepipeline-pipeline-execution-state-change.failed.json');
    canceled.detail['execution-id'] = h.world.executions[0]!.id;
    canceled.detail.state = 'CANCELED';
    await executionFinished(h.workflow, h.logger)(canceled);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.release')).toHaveLength(1);
    expect(h.starts()).toHaveLength(2);
    expect((await h.runs.getBatch('docs', 1))?.status).toBe('STARTED');
  });

  it('a started (non-terminal) event or another execution id releases nothing', async () => {
    const h = memoryHarness(policy);
    await dataArrived(h.workflow, h.logger)(drop('one'));
    await dataArrived(h.workflow, h.logger)(drop('two'));
    await executionFinished(
      h.workflow,
      h.logger,
    )(loadFixture('codepipeline-pipeline-execution-state-change.started.json'));
    const other = loadFixture('codepipeline-pipeline-execution-state-change.failed.json');
    await executionFinished(h.workflow, h.logger)(other);
    expect(h.starts()).toHaveLength(1);
  });

  it('the sweeper starts a deferred batch once the running execution exceeds maxRunSeconds', async () => {
    const h = memoryHarness(policy);
    await dataArrived(h.workflow, h.logger)(drop('one'));
    await dataArrived(h.workflow, h.logger)(drop('two'));
    h.clock.advance(3601);
    await sweeper(h.workflow)();
    expect(h.starts()).toHaveLength(2);
  });

  // SageMaker spells the name in the ARN in lower case for pipelines created since 2023; the
  // shared fixture keeps the original case. Either way the rule is found.
  it.each([['myPipeline-123'], ['MYPIPELINE-123']])(
    'releases a SageMaker rule targeting %s from the real SageMaker status-change event',
    async (pipelineName) => {
      const sm = basePolicy({
        retraining: [
          {
            name: 'sm',
            source: { bucket: 'DOC-EXAMPLE-BUCKET1' },
            target: { type: 'sagemaker', name: pipelineName },
            trigger: { maxObjects: 1 },
          },
        ],
      });
      const h = memoryHarness(sm);
      await dataArrived(h.workflow, h.logger)(drop('one'));
      await dataArrived(h.workflow, h.logger)(drop('two'));
      const event = loadFixture('sagemaker-pipeline-execution-status-change.json');
      event.detail.pipelineExecutionArn = h.world.executions[0]!.id;
      await executionFinished(h.workflow, h.logger)(event);
      expect(h.starts()).toHaveLength(2);
    },
  );

  it.each([[{}], [loadFixture('s3-object-created.eventbridge.json')], [null]])(
    'records a non-pipeline event %# as ignored',
    async (event) => {
      const h = memoryHarness(policy);
      await executionFinished(h.workflow, h.logger)(event);
      expect(h.decisions.decisions[0]).toMatchObject({ kind: 'retraining.ignore' });
    },
  );

  it('ignores a terminal event for a pipeline no rule targets', async () => {
    const h = memoryHarness(policy);
    const e = loadFixture('codepipeline-pipeline-execution-state-change.succeeded.json');
    e.detail.pipeline = 'someone-elses';
    await executionFinished(h.workflow, h.logger)(e);
    expect(h.decisions.decisions[0]?.reasons[0]).toMatch(/not a retraining target/);
  });
});

describe('sweeper', () => {
  it('closes a quiet batch only after the quiet period', async () => {
    const quiet = basePolicy({
      retraining: [
        {
          name: 'q',
          source: { bucket: 'DOC-EXAMPLE-BUCKET1' },
          target: { type: 'codepipeline', name: 'p' },
          trigger: { quietSeconds: 600 },
        },
      ],
    });
    const h = memoryHarness(quiet);
    await dataArrived(h.workflow, h.logger)(drop('one'));
    h.clock.advance(599);
    await sweeper(h.workflow)();
    expect(h.starts()).toHaveLength(0);
    h.clock.advance(1);
    await sweeper(h.workflow)();
    await sweeper(h.workflow)();
    expect(h.starts()).toHaveLength(1);
  });

  it('re-issues a start interrupted after its claim, with the same token', async () => {
    const h = memoryHarness(policy);
    const original = h.deps.pipelines.start.bind(h.deps.pipelines);
    let fail = true;
    h.deps.pipelines.start = async (r) => {
      if (fail) throw new Error('Lambda timed out');
      return original(r);
    };
    await expect(dataArrived(h.workflow, h.logger)(drop('one'))).rejects.toThrow();
    fail = false;
    // The claim is on the guard; the batch keeps its CLOSED record until the start is recorded.
    expect(await h.runs.getGuard('docs')).toMatchObject({ nextSeq: 1, starting: { seq: 0 } });
    h.clock.advance(60);
    await sweeper(h.workflow)();
    expect((await h.runs.getBatch('docs', 0))?.status).toBe('CLOSED');
    expect(h.starts()).toHaveLength(0);
    h.clock.advance(120);
    await sweeper(h.workflow)();
    await sweeper(h.workflow)();
    expect((await h.runs.getBatch('docs', 0))?.status).toBe('STARTED');
    expect(h.starts()).toHaveLength(1);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.start')).toHaveLength(1);
  });

  it('re-issues a start a release before guard.starting claimed and left STARTING', async () => {
    const h = memoryHarness(policy);
    const at = h.clock.now().toISOString();
    await h.runs.putBatch({
      rule: 'docs',
      seq: 0,
      status: 'STARTING',
      objects: 1,
      bytes: 10,
      manifestUri: 's3://manifests/m/docs/batch-000000.json',
      closedAt: at,
      updatedAt: at,
    });
    // That release's claim: nextSeq past the batch, `running` without an execution id.
    await h.runs.swapGuard('docs', await h.runs.getGuard('docs'), {
      startsToday: 1,
      day: at.slice(0, 10),
      lastStartAt: at,
      running: { seq: 0, since: at },
      nextSeq: 1,
    });
    h.clock.advance(180);
    await sweeper(h.workflow)();
    expect(h.starts().map((a) => a.input.clientRequestToken)).toHaveLength(1);
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({
      status: 'STARTED',
      executionId: h.world.executions[0]!.id,
    });
  });

  it('a re-issued start racing the slow first attempt: one execution, one STARTED record and decision', async () => {
    const h = memoryHarness(policy);
    const resume = holdFirstStart(h); // the first attempt hangs past the stale-start age
    const slow = dataArrived(h.workflow, h.logger)(drop('one'));
    await new Promise((resolve) => setImmediate(resolve));
    h.clock.advance(180);
    await sweeper(h.workflow)();
    resume();
    await slow;
    const tokens = new Set(h.starts().map((a) => a.input.clientRequestToken));
    expect(tokens.size).toBe(1);
    expect(h.world.executions).toHaveLength(1);
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.start')).toHaveLength(1);
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({
      status: 'STARTED',
      executionId: h.world.executions[0]!.id,
    });
  });

  it('a batch closed while the previous start is unrecorded is started by that start’s claimer', async () => {
    const open = basePolicy({
      retraining: [
        {
          name: 'docs',
          source: { bucket: 'DOC-EXAMPLE-BUCKET1' },
          target: { type: 'codepipeline', name: 'myPipeline' },
          trigger: { maxObjects: 1 },
          guards: { exclusive: false },
        },
      ],
    });
    const h = memoryHarness(open);
    const resume = holdFirstStart(h);
    const data = dataArrived(h.workflow, h.logger);
    const one = data(drop('one'));
    await new Promise((resolve) => setImmediate(resolve));
    await data(drop('two')); // closes batch 1 while batch 0's start is claimed, not recorded
    expect(await h.runs.getBatch('docs', 1)).toMatchObject({ status: 'CLOSED' });
    expect(h.starts()).toHaveLength(0);
    resume();
    await one;
    expect(h.starts().map((a) => a.input.clientRequestToken)).toHaveLength(2);
    expect((await h.runs.getBatch('docs', 1))?.status).toBe('STARTED');
    expect(await h.runs.getGuard('docs')).toMatchObject({ nextSeq: 2, starting: { seq: 1 } });
  });
});
