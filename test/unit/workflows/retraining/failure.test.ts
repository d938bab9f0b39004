import { MemoryKillSwitch } from '../../../../functions/adapters/memory/kill-switch';
import { MemoryNotifier } from '../../../../functions/adapters/memory/notifier';
import { validatePolicy } from '../../../../functions/config/policy';
import { Guardrails } from '../../../../functions/guardrails';
import { RetrainingWorkflow } from '../../../../functions/workflows/retraining';
import { basePolicy, memoryHarness } from '../../../support/memory-harness';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:controller-decisions';
const origin = { account: '123456789012', region: 'us-east-1' };

function harness() {
  const base = basePolicy();
  const policy = validatePolicy({ ...base, controller: { ...base.controller, decisions: { topicArn } } });
  const h = memoryHarness(policy);
  const guardrails = new Guardrails({
    policy,
    killSwitch: new MemoryKillSwitch(),
    notifier: new MemoryNotifier(h.world),
    logger: h.logger,
    clock: h.clock,
  });
  const workflow = new RetrainingWorkflow(guardrails.guardWrites(h.deps));
  const startOne = async () => {
    await workflow.onObjects(
      ['a.csv', 'b.csv', 'c.csv'].map((key) => ({ bucket: 'DOC-EXAMPLE-BUCKET1', key, size: 10 })),
      origin,
      'delivery-1',
    );
    const execution = h.world.executions[0]!;
    return execution;
  };
  const failures = () => h.decisions.decisions.filter((d) => d.kind === 'retraining.failure');
  const published = () => h.world.actions.filter((a) => a.service === 'sns' && a.operation === 'Publish');
  return { ...h, workflow, startOne, failures, published };
}

const target = { type: 'codepipeline' as const, name: 'docs-pipeline' };

describe('a failed run explained', () => {
  it('records one failure decision with the failed action, its message, the cause and a hint; the notification carries it', async () => {
    const h = harness();
    const execution = await h.startOne();
    execution.status = 'Failed';
    execution.failure = {
      failedAt: 'stage Train, action TrainModel',
      message:
        'Error calling startBuild: User: arn:aws:sts::123456789012:assumed-role/pipeline-role/x is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:us-east-1:123456789012:project/train',
    };
    await h.workflow.onExecutionFinished(target, execution.id, 'FAILED', 'evt-1');
    const [failure, ...more] = h.failures();
    expect(more).toHaveLength(0);
    expect(failure).toMatchObject({
      subject: 'docs/0',
      outcome: 'FAILED',
      inputs: { cause: 'access denied', failedAt: 'stage Train, action TrainModel', executionId: execution.id },
    });
    expect(failure!.reasons[0]).toMatch(
      new RegExp(
        `^codepipeline:docs-pipeline run ${execution.id} failed at stage Train, action TrainModel: Error calling startBuild: .* Likely cause: access denied; the role named in the message lacks that permission`,
      ),
    );
    const notice = h.published().find((a) => String(a.input.Subject).includes('retraining.failure'));
    expect(String(notice?.input.Message)).toContain(failure!.reasons[0]);
  });

  it('explains a failure once however often and concurrently its event is delivered', async () => {
    const h = harness();
    const execution = await h.startOne();
    execution.failure = { failedAt: 'stage Train, action Fit', message: 'Task timed out after 900.00 seconds' };
    await Promise.all([
      h.workflow.onExecutionFinished(target, execution.id, 'FAILED', 'evt-1'),
      h.workflow.onExecutionFinished(target, execution.id, 'FAILED', 'evt-1'),
    ]);
    await h.workflow.onExecutionFinished(target, execution.id, 'FAILED', 'evt-2');
    expect(h.failures()).toHaveLength(1);
    expect(h.failures()[0]!.inputs.cause).toBe('timeout');
  });

  it('a failure the service says nothing about is still recorded, saying so', async () => {
    const h = harness();
    const execution = await h.startOne();
    await h.workflow.onExecutionFinished(target, execution.id, 'FAILED', 'evt-1');
    expect(h.failures()[0]!.reasons[0]).toMatch(
      /Likely cause: unclassified; .*\(codepipeline recorded no failed step or message/,
    );
  });

  it('explains nothing for a run that succeeded, or one the controller did not start', async () => {
    const h = harness();
    const execution = await h.startOne();
    await h.workflow.onExecutionFinished(target, 'someone-elses-run', 'FAILED', 'evt-0');
    await h.workflow.onExecutionFinished(target, execution.id, 'SUCCEEDED', 'evt-1');
    expect(h.failures()).toHaveLength(0);
  });
});
