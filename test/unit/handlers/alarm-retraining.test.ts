import { MemoryBatchLedger } from '../../../functions/adapters/memory/batch-ledger';
import { MemoryDecisionLog } from '../../../functions/adapters/memory/decision-log';
import { MemoryRetrainRequests } from '../../../functions/adapters/memory/retrain-requests';
import { MemoryRollbackStore } from '../../../functions/adapters/memory/rollback-store';
import { MemoryRunStore } from '../../../functions/adapters/memory/run-store';
import { alarmDeliveries, alarmRetraining, alarmRetrainingPolicy } from '../../support/alarm-retraining';

function memoryTable() {
  return {
    requests: new MemoryRetrainRequests(),
    runs: new MemoryRunStore(),
    ledger: new MemoryBatchLedger(),
    store: new MemoryRollbackStore(),
    decisions: new MemoryDecisionLog(),
  };
}

describe('an alarm bound to retraining (memory state table)', () => {
  it('30 concurrent deliveries of one ALARM transition make one request; concurrent sweeps start it once', async () => {
    const table = memoryTable();
    const w = alarmRetraining(table);
    const deliveries = Array.from({ length: 30 }, (_, i) => structuredClone(alarmDeliveries()[i % 3]));
    await Promise.all(deliveries.map((e) => w.alarm(e)));
    // The alarm function starts nothing itself.
    expect(w.starts()).toEqual([]);
    const retrain = table.decisions.decisions.filter((d) => d.kind === 'rollback.retrain');
    expect(retrain.map((d) => d.outcome).sort()).toEqual([...Array(29).fill('DUPLICATE'), 'REQUESTED']);
    expect(await table.requests.pending('drift', w.clock.now())).toHaveLength(1);

    w.clock.advance(60);
    await Promise.all(Array.from({ length: 4 }, () => w.sweep()));
    expect(w.starts().map((a) => a.input)).toEqual([
      expect.objectContaining({
        name: 'drift-retrain',
        // The rule names no batchIdVariable: only the manifest variable is sent.
        variables: [{ name: 'MANIFEST_URI', value: 'none' }],
      }),
    ]);
    const started = table.decisions.decisions.filter((d) => d.kind.startsWith('retraining.'));
    expect(started.map((d) => [d.kind, d.outcome])).toEqual([['retraining.start', 'STARTED']]);
    expect(started[0]!.inputs).toMatchObject({
      requestedBy: 'cpu-drift/ServerCpuTooHigh',
      requestedAt: '2026-11-22T10:00:00.000Z',
    });

    // A delivery arriving after the start (an SNS retry) finds the request: nothing more happens.
    await w.alarm(alarmDeliveries()[2]);
    w.clock.advance(60);
    await w.sweep();
    expect(w.starts()).toHaveLength(1);
    expect(table.decisions.decisions.filter((d) => d.kind.startsWith('retraining.'))).toHaveLength(1);
  });

  it('a sweep that dies between claiming the guard and starting loses no start: a later sweep starts it once', async () => {
    const table = memoryTable();
    const w = alarmRetraining(table, alarmRetrainingPolicy(), { crashBeforeStart: 1 });
    await w.alarm(alarmDeliveries()[0]);
    w.clock.advance(60);
    await expect(w.sweep()).rejects.toThrow();
    expect(w.starts()).toEqual([]);
    // The claimed guard names the run, so an exclusive rule would defer every other start.
    expect((await table.runs.getGuard('drift')).running).toMatchObject({ seq: -1 });

    // The request's take goes stale, the next sweeps take it again and finish the claimed start.
    w.clock.advance(180);
    await w.sweep();
    w.clock.advance(60);
    await w.sweep();
    expect(w.starts()).toHaveLength(1);
    const started = table.decisions.decisions.filter((d) => d.kind.startsWith('retraining.'));
    expect(started.map((d) => [d.kind, d.outcome])).toEqual([['retraining.start', 'STARTED']]);
    expect((await table.runs.getGuard('drift')).running).toMatchObject({ seq: -1, executionId: w.executions()[0]!.id });
  });

  it('a deferred request is settled with its reasons, not retried by later sweeps', async () => {
    const table = memoryTable();
    const w = alarmRetraining(table);
    // The rule is exclusive: a run it started earlier is still going.
    await table.runs.swapGuard('drift', await table.runs.getGuard('drift'), {
      startsToday: 1,
      day: '2026-11-22',
      lastStartAt: '2026-11-22T09:00:00.000Z',
      running: { seq: 0, since: '2026-11-22T09:00:00.000Z', executionId: 'earlier' },
      nextSeq: 1,
    });
    await w.alarm(alarmDeliveries()[0]);
    for (let tick = 0; tick < 3; tick++) {
      w.clock.advance(60);
      await w.sweep();
    }
    expect(w.starts()).toEqual([]);
    const decided = table.decisions.decisions.filter((d) => d.kind.startsWith('retraining.'));
    expect(decided.map((d) => [d.kind, d.outcome])).toEqual([['retraining.defer', 'DEFERRED']]);
    expect(decided[0]!.reasons.join('; ')).toMatch(/still running/);
  });

  it('a sweep that dies after taking a request leaves it to a later sweep once the take is stale', async () => {
    const table = memoryTable();
    const w = alarmRetraining(table);
    await w.alarm(alarmDeliveries()[0]);
    w.clock.advance(60);
    // The crashed sweep took the request and never settled it.
    const [request] = await table.requests.pending('drift', w.clock.now());
    expect(await table.requests.take('drift', request!.token, w.clock.now())).toBe(true);
    w.clock.advance(60);
    await w.sweep();
    expect(w.starts()).toEqual([]);
    w.clock.advance(120);
    await w.sweep();
    expect(w.starts()).toHaveLength(1);
  });

  it('an observed binding: the start is decided and withheld, and the rule is not left running', async () => {
    const table = memoryTable();
    const w = alarmRetraining(table, alarmRetrainingPolicy({ mode: 'observe' }));
    await w.alarm(alarmDeliveries()[0]);
    w.clock.advance(60);
    await w.sweep();
    expect(w.starts()).toEqual([]);
    const start = table.decisions.decisions.find((d) => d.kind === 'retraining.start');
    expect(start?.actions).toEqual([
      expect.objectContaining({ operation: 'StartPipelineExecution', status: 'withheld' }),
    ]);
    // As for a withheld batch start: nothing runs, so the exclusive guard must not wait for an end.
    expect((await table.runs.getGuard('drift')).running).toBeUndefined();
  });
});
