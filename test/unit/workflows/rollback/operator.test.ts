/**
 * A person's `rollback <binding>` on the memory backend: what differs from an alarm's response
 * (no alarm to thaw a freeze, no alarm to re-check an updating endpoint) and the request's claim.
 */
import { ControllerError } from '../../../../functions/domain/errors';
import { P4, rollbackHarness, rollbackPolicy } from '../../../support/rollback-harness';

const request = { binding: 'churn-live', by: 'alice', reason: 'p95 latency doubled' };

describe("a person's rollback", () => {
  it('freezes without naming an alarm, so the bound alarm going OK never thaws it', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    h.state.alarms.set('ServerCpuTooHigh', {
      state: 'OK',
      arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh',
      tags: {},
    });
    expect(await h.rollback.onOperator(request)).toEqual({ outcome: 'REQUESTED', request: expect.any(String) });
    expect(h.ops('DisableStageTransition')).toHaveLength(1);
    await h.rollback.onAlarm({
      id: 'ok-1',
      via: 'eventbridge',
      name: 'ServerCpuTooHigh',
      state: 'OK',
      reason: 'back to normal',
      since: h.clock.now().toISOString(),
    });
    h.clock.advance(3_600);
    await h.rollback.tick();
    expect(h.ops('EnableStageTransition')).toEqual([]);
    expect(await h.store.freezes()).toEqual([expect.objectContaining({ binding: 'churn-live', alarms: [] })]);
  });

  it('an endpoint still updating fails the request with what to do, stores no re-check, and the same command then resumes', async () => {
    const policy = rollbackPolicy({
      rollback: [
        { name: 'endpoint-live', alarms: { names: ['ServerCpuTooHigh'] }, endpoint: { name: 'churn-endpoint' } },
      ],
    });
    const h = rollbackHarness(policy);
    h.state.endpoints.set('churn-endpoint', { name: 'churn-endpoint', status: 'Updating', config: 'cfg-4' });
    h.state.configPackages.set('cfg-4', P4);
    const ask = { ...request, binding: 'endpoint-live' };
    await expect(h.rollback.onOperator(ask)).rejects.toThrow(
      new ControllerError('endpoint churn-endpoint is Updating: run the rollback again once it is InService'),
    );
    expect(await h.store.pendingRechecks()).toEqual([]);
    expect(h.kinds('rollback.step')).toEqual([expect.objectContaining({ outcome: 'FAILED' })]);
    h.state.endpoints.set('churn-endpoint', { name: 'churn-endpoint', status: 'InService', config: 'cfg-4' });
    expect((await h.rollback.onOperator(ask)).outcome).toBe('REQUESTED');
    expect(h.kinds('rollback.endpoint').at(-1)).toEqual(expect.objectContaining({ outcome: 'NOTHING_TO_ROLL_BACK' }));
  });

  it('the same binding, person and reason is one request; a new reason is a new one', async () => {
    const h = rollbackHarness();
    h.seedGroup('InProgress');
    const first = await h.rollback.onOperator(request);
    expect(await h.rollback.onOperator({ ...request, reason: ` ${request.reason} ` })).toEqual({
      outcome: 'ALREADY_REQUESTED',
      request: first.request,
    });
    const second = await h.rollback.onOperator({ ...request, reason: 'still bad after the stop' });
    expect(second.outcome).toBe('REQUESTED');
    expect(second.request).not.toBe(first.request);
    expect(h.kinds('rollback.operator')).toHaveLength(2);
    expect(h.ops('StopDeployment')).toHaveLength(1);
  });
});
