import { dataArrived } from '../../../functions/handlers/data-arrived';
import { MemoryDecisionEvents } from '../../../functions/adapters/memory/decision-events';
import { MemoryKillSwitch } from '../../../functions/adapters/memory/kill-switch';
import { MemoryNotifier } from '../../../functions/adapters/memory/notifier';
import { MemoryPipelines } from '../../../functions/adapters/memory/pipelines';
import { validatePolicy, type Policy } from '../../../functions/config/policy';
import { RetrainingWorkflow } from '../../../functions/workflows/retraining';
import { Guardrails } from '../../../functions/guardrails';
import { loadFixture } from '../../support/fixtures';
import { basePolicy, memoryHarness } from '../../support/memory-harness';

function eventBridge(key: string) {
  const e = loadFixture('s3-object-created.eventbridge.json');
  e.detail.object.key = key;
  e.id = `id-${key}`;
  return e;
}

/** basePolicy with `docs` in the given mode and optional controller settings. */
function policyWith(docsMode: 'enforce' | 'observe', controller: Record<string, unknown> = {}): Policy {
  const base = basePolicy();
  return validatePolicy({
    ...base,
    // The decision sink `guarded` wires exists only when the policy names its bus.
    controller: { ...base.controller, decisions: { eventBus: 'controller-decisions' }, ...controller },
    retraining: base.retraining.map((r) => (r.name === 'docs' ? { ...r, mode: docsMode } : r)),
  });
}

function guarded(policy: Policy, killSwitch = new MemoryKillSwitch()) {
  const h = memoryHarness(policy);
  const guardrails = new Guardrails({
    policy,
    killSwitch,
    events: new MemoryDecisionEvents(h.world, 'controller-decisions'),
    notifier: new MemoryNotifier(h.world),
    logger: h.logger,
    clock: h.clock,
  });
  const workflow = new RetrainingWorkflow(guardrails.guardWrites(h.deps));
  return { ...h, guardrails, workflow, handle: dataArrived(workflow, h.logger), killSwitch };
}

describe('observe mode, kill switch and explained decisions', () => {
  it('observe: decides and records the start, but makes no StartPipelineExecution call', async () => {
    const h = guarded(policyWith('observe'));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await h.handle(eventBridge(key));
    expect(h.starts()).toHaveLength(0);
    const start = h.decisions.decisions.find((d) => d.kind === 'retraining.start');
    expect(start?.actions).toEqual([
      {
        service: 'codepipeline',
        operation: 'StartPipelineExecution',
        target: 'docs-pipeline',
        status: 'withheld',
        why: 'observe (retraining[0].mode)',
      },
    ]);
  });

  it('observe frees the rule for the next batch instead of holding it as running', async () => {
    const h = guarded(policyWith('observe'));
    for (const key of ['a.csv', 'b.csv', 'c.csv', 'd.csv', 'e.csv', 'f.csv']) await h.handle(eventBridge(key));
    expect(h.decisions.decisions.filter((d) => d.kind === 'retraining.start')).toHaveLength(2);
    expect(h.starts()).toHaveLength(0);
  });

  it('a global observe mode withholds every rule', async () => {
    const h = guarded(policyWith('enforce', { mode: 'observe' }));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await h.handle(eventBridge(key));
    expect(h.starts()).toHaveLength(0);
    expect(h.decisions.decisions.find((d) => d.kind === 'retraining.start')?.actions?.[0]?.why).toBe(
      'observe (controller.mode)',
    );
  });

  it('enforce: the start is made and recorded as taken, with a decision id and the policy version', async () => {
    const h = guarded(policyWith('enforce'));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await h.handle(eventBridge(key));
    expect(h.starts()).toHaveLength(1);
    const start = h.decisions.decisions.find((d) => d.kind === 'retraining.start');
    expect(start?.actions).toEqual([
      { service: 'codepipeline', operation: 'StartPipelineExecution', target: 'docs-pipeline', status: 'taken' },
    ]);
    expect(start?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(start?.policyVersion).toBe(h.guardrails.policyVersion);
  });

  it('switching an observed rule back to enforce never replays its old decisions', async () => {
    const observed = guarded(policyWith('observe'));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await observed.handle(eventBridge(key));
    // Same state (ledger, runs, world), the policy redeployed in enforce mode.
    const policy = policyWith('enforce');
    const guardrails = new Guardrails({
      policy,
      killSwitch: new MemoryKillSwitch(),
      logger: observed.logger,
      clock: observed.clock,
    });
    const enforced = new RetrainingWorkflow(guardrails.guardWrites({ ...observed.deps, policy }));
    const handle = dataArrived(enforced, observed.logger);
    await enforced.sweep();
    expect(observed.starts()).toHaveLength(0);
    // New data is acted on, and only the new batch starts.
    for (const key of ['d.csv', 'e.csv', 'f.csv']) await handle(eventBridge(key));
    expect(observed.starts()).toHaveLength(1);
    const starts = observed.decisions.decisions.filter((d) => d.kind === 'retraining.start');
    expect(starts.map((d) => d.subject)).toEqual(['docs/0', 'docs/1']);
  });

  it('the kill switch withholds writes at once and records who paused and why; resume does not replay', async () => {
    const killSwitch = new MemoryKillSwitch();
    const h = guarded(policyWith('enforce'), killSwitch);
    await killSwitch.set({ paused: true, by: 'alice', reason: 'incident 42' });
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await h.handle(eventBridge(key));
    expect(h.starts()).toHaveLength(0);
    expect(h.decisions.decisions.find((d) => d.kind === 'retraining.start')?.actions?.[0]).toMatchObject({
      status: 'withheld',
      why: 'paused by alice: incident 42',
    });
    await killSwitch.set({ paused: false });
    await h.workflow.sweep();
    expect(h.starts()).toHaveLength(0);
  });

  it('publishes every decision to EventBridge and notifies withheld actions, not routine starts', async () => {
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:ml-decisions';
    const enforced = guarded(policyWith('enforce', { decisions: { eventBus: 'controller-decisions', topicArn } }));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await enforced.handle(eventBridge(key));
    const published = enforced.world.actions.filter((a) => a.operation === 'PutEvents');
    expect(published).toHaveLength(enforced.decisions.decisions.length);
    expect(published[0]?.input).toMatchObject({
      Entries: [
        { Source: 'mlops.controller', DetailType: 'Controller Decision', EventBusName: 'controller-decisions' },
      ],
    });
    expect(enforced.world.actions.filter((a) => a.operation === 'Publish')).toHaveLength(0);

    const observed = guarded(policyWith('observe', { decisions: { eventBus: 'controller-decisions', topicArn } }));
    for (const key of ['a.csv', 'b.csv', 'c.csv']) await observed.handle(eventBridge(key));
    const notices = observed.world.actions.filter((a) => a.operation === 'Publish');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.input).toMatchObject({
      TopicArn: topicArn,
      Subject: 'mlops-controller retraining.start STARTED',
    });
  });

  it('unused pipelines port is still a memory pipeline (wrap keeps ports it does not know)', () => {
    const h = memoryHarness();
    const wrapped = new Guardrails({
      policy: h.deps.policy,
      killSwitch: new MemoryKillSwitch(),
      logger: h.logger,
      clock: h.clock,
    }).guardWrites({ ...h.deps, pipelines: new MemoryPipelines(h.world) });
    expect(wrapped.ledger).toBe(h.deps.ledger);
    expect(wrapped.runs).toBe(h.deps.runs);
  });
});
