import { jest } from '@jest/globals';
import { ANSWER_MARGIN_MS, deploymentHook } from '../../../functions/handlers/deployment-hook';
import { loadFixture } from '../../support/fixtures';
import { P4, rollbackHarness } from '../../support/rollback-harness';

const hookEvent = (deployment = 'd-2', execution?: string) =>
  Object.assign(loadFixture('codedeploy-lifecycle-hook.lambda.powertools'), {
    DeploymentId: deployment,
    ...(execution ? { LifecycleEventHookExecutionId: execution } : {}),
  });
const ctx = (ms = 30_000) => ({ getRemainingTimeInMillis: () => ms });

function ready(options: { alarm?: string; pkg?: string; response?: string; payload?: boolean } = {}) {
  const h = rollbackHarness();
  h.seedGroup('InProgress');
  h.state.alarms.set('ServerCpuTooHigh', { state: options.alarm ?? 'OK', arn: 'a', tags: {} });
  h.state.packages.set(P4, options.pkg ?? 'Approved');
  h.state.endpoints.set('churn-endpoint', { name: 'churn-endpoint', status: 'InService', config: 'c4' });
  h.state.responses.set('churn-endpoint', options.response ?? '{"predictions":[0.2]}');
  if (options.payload !== false) h.world.putObject('m', 'smoke.json', '{"instances":[[1,2]]}');
  return h;
}

const answers = (h: ReturnType<typeof rollbackHarness>) =>
  h.ops('PutLifecycleEventHookExecutionStatus').map((a) => a.input);

describe('deploymentHook', () => {
  it('answers Succeeded when the alarms are quiet, the package Approved and the smoke request answers', async () => {
    const h = ready();
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx());
    expect(answers(h)).toEqual([
      { deploymentId: 'd-2', lifecycleEventHookExecutionId: 'xxxxxxxxxxxxxxxxxxxxxxxx', status: 'Succeeded' },
    ]);
  });

  it('records what each check read, so whatif can run the checks again under another rule', async () => {
    const h = ready({ alarm: 'ALARM' });
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx());
    const [hook] = h.kinds('rollback.hook');
    expect(hook?.outcome).toBe('FAILED');
    expect(hook?.inputs.read).toEqual({
      alarms: { ServerCpuTooHigh: 'ALARM' },
      package: { arn: P4, status: 'Approved' },
      smoke: expect.objectContaining({ endpoint: 'churn-endpoint', body: '{"predictions":[0.2]}' }),
    });
  });

  it('answers a hook execution once and runs its smoke request once, however often and concurrently it is invoked', async () => {
    const h = ready();
    const smoke = jest.spyOn((h.hooks as any).deps.invoker, 'invoke');
    const handle = deploymentHook(h.hooks, h.logger);
    await Promise.all([handle(hookEvent(), ctx()), handle(hookEvent(), ctx())]);
    await handle(hookEvent(), ctx());
    expect(answers(h)).toEqual([
      { deploymentId: 'd-2', lifecycleEventHookExecutionId: 'xxxxxxxxxxxxxxxxxxxxxxxx', status: 'Succeeded' },
    ]);
    expect(smoke).toHaveBeenCalledTimes(1);
    expect(
      h
        .kinds('rollback.hook')
        .map((d) => d.outcome)
        .sort(),
    ).toEqual(['DUPLICATE', 'DUPLICATE', 'SUCCEEDED']);
  });

  it('still answers when the claim cannot be written: two answers beat none', async () => {
    const h0 = ready();
    const { DeploymentHookWorkflow } = await import('../../../functions/workflows/deployment-hook');
    const broken = { claim: () => Promise.reject(new Error('ProvisionedThroughputExceededException')) };
    const wf = new DeploymentHookWorkflow({ ...(h0.hooks as any).deps, claims: broken });
    await deploymentHook(wf, h0.logger)(hookEvent(), ctx());
    expect(answers(h0).map((a) => a.status)).toEqual(['Succeeded']);
    expect(h0.logs.map((l) => l.message)).toContain('hook claim failed; answering anyway');
  });

  it.each([
    ['a bound alarm is in ALARM', { alarm: 'ALARM' }, /alarms FAIL: in ALARM: ServerCpuTooHigh/],
    ['the package is not Approved', { pkg: 'PendingManualApproval' }, /package FAIL: .* is PendingManualApproval/],
    [
      'the smoke response has the wrong shape',
      { response: '{"error":1}' },
      /smoke FAIL: churn-endpoint: response lacks predictions/,
    ],
    ['the smoke payload is missing (the check crashes)', { payload: false }, /smoke ERROR: crashed: .*does not exist/],
  ])('answers Failed when %s', async (_w, options, reason) => {
    const h = ready(options);
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx());
    expect(answers(h).map((a) => a.status)).toEqual(['Failed']);
    expect(h.kinds('rollback.hook')[0]?.reasons[0]).toMatch(reason);
  });

  it('answers Failed when the deployment names no package: no data is no pass', async () => {
    const h = ready();
    h.state.deployments.find((d) => d.id === 'd-2')!.description = 'no arn here';
    await deploymentHook(h.hooks, h.logger)(hookEvent(), ctx());
    expect(answers(h).map((a) => a.status)).toEqual(['Failed']);
    expect(h.kinds('rollback.hook')[0]?.reasons[0]).toMatch(/package NODATA/);
  });

  it('answers Failed for a deployment it cannot read or a group without hook rules', async () => {
    const h = ready();
    await deploymentHook(h.hooks, h.logger)(hookEvent('d-unknown'), ctx());
    h.state.deployments.push({
      id: 'd-9',
      application: 'other-app',
      group: 'g',
      status: 'InProgress',
      createTime: h.ago(1),
    });
    await deploymentHook(h.hooks, h.logger)(hookEvent('d-9', 'hook-2'), ctx());
    expect(answers(h).map((a) => a.status)).toEqual(['Failed', 'Failed']);
    expect(h.kinds('rollback.hook').map((d) => d.reasons[0])).toEqual([
      expect.stringMatching(/deployment ERROR: crashed/),
      expect.stringMatching(/policy NODATA: no hooks rule for other-app\/g/),
    ]);
  });

  it('answers Failed before the Lambda deadline when a check hangs', async () => {
    const never = { invoke: () => new Promise<never>(() => {}) };
    const h0 = ready();
    const { DeploymentHookWorkflow } = await import('../../../functions/workflows/deployment-hook');
    const wf = new DeploymentHookWorkflow({ ...(h0.hooks as any).deps, invoker: never });
    // 50 ms of budget once the answer margin is kept back.
    await deploymentHook(wf, h0.logger)(hookEvent(), ctx(ANSWER_MARGIN_MS + 50));
    expect(answers(h0).map((a) => a.status)).toEqual(['Failed']);
    expect(h0.kinds('rollback.hook')[0]?.reasons[0]).toMatch(/did not finish within 50 ms/);
  });

  it('logs and does not answer an event without the hook ids', async () => {
    const h = ready();
    await deploymentHook(h.hooks, h.logger)({ DeploymentId: 'd-2' }, ctx());
    expect(answers(h)).toEqual([]);
    expect(h.logs).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/not a CodeDeploy lifecycle hook/) }),
    ]);
  });
});
