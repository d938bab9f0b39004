/**
 * One world with every kind of state `status` shows, written through the ports the workflows
 * write with: the same seeding for the memory backend (unit) and the state table (moto).
 */
import type { BatchLedger } from '../../functions/ports/batch-ledger';
import type { DecisionLog } from '../../functions/ports/decision-log';
import type { KillSwitch } from '../../functions/ports/kill-switch';
import type { RollbackStore } from '../../functions/ports/rollback-store';
import type { RunStore } from '../../functions/ports/run-store';

export const at = (hms: string) => `2026-11-22T${hms}.000Z`;
/** The moment the world is looked at. */
export const NOW = at('10:10:00');
export const HELD_PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';

/** Two rules (churn: count, quiet period and guards; ranking: a marker) and a freezing binding. */
export const statusPolicyDocument = () => ({
  version: 1,
  controller: { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'm' } },
  retraining: [
    {
      name: 'churn',
      source: { bucket: 'data', prefix: 'churn/' },
      target: { type: 'codepipeline', name: 'churn-train' },
      trigger: { maxObjects: 10, quietSeconds: 600 },
      guards: { cooldownSeconds: 1800, dailyCap: 4 },
    },
    {
      name: 'ranking',
      source: { bucket: 'data', prefix: 'ranking/' },
      target: { type: 'sagemaker', name: 'ranking-train' },
      trigger: { marker: '_SUCCESS' },
    },
  ],
  rollback: [
    {
      name: 'ranking-live',
      alarms: { names: ['ranking-p99'] },
      freeze: { pipeline: 'ranking-deploy', stage: 'Production', autoUnfreezeAfterOkSeconds: 900 },
    },
  ],
});

export interface StatusWorldPorts {
  ledger: BatchLedger;
  runs: RunStore;
  rollback: RollbackStore;
  killSwitch: KillSwitch;
  decisions: DecisionLog;
}

/**
 * churn: an open batch of 4 objects (10:05–10:08), batch 1 quarantined, batch 2 running (started
 * 09:50, cooldown 30 min), batch 3 deferred; ranking-deploy/Production frozen; the kill switch
 * paused by alice; a registry HOLD pending and another one settled by its re-delivery.
 */
export async function seedStatusWorld(p: StatusWorldPorts): Promise<void> {
  const object = (key: string) => ({ bucket: 'data', key: `churn/${key}`, size: 1000, etag: `e-${key}` });
  await p.ledger.append('churn', [object('a.csv')], new Date(at('10:05:00')));
  await p.ledger.append('churn', [object('b.csv'), object('c.csv')], new Date(at('10:07:00')));
  await p.ledger.append('churn', [object('d.csv')], new Date(at('10:08:00')));
  const batch = { rule: 'churn', objects: 12, bytes: 12_000, closedAt: at('09:40:00'), updatedAt: at('09:40:00') };
  await p.runs.putBatch({ ...batch, seq: 1, status: 'QUARANTINED', reason: 'churn/x.csv: missing columns label' });
  await p.runs.putBatch({ ...batch, seq: 2, status: 'STARTED', executionId: 'arn:aws:codepipeline:exec/e-2' });
  await p.runs.putBatch({
    ...batch,
    seq: 3,
    status: 'DEFERRED',
    reason: 'batch 2 is still running',
    closedAt: at('09:55:00'),
  });
  await p.runs.swapGuard(
    'churn',
    { version: 0, startsToday: 0, nextSeq: 0 },
    {
      lastStartAt: at('09:50:00'),
      day: '2026-11-22',
      startsToday: 2,
      running: { seq: 2, since: at('09:50:00') },
      nextSeq: 3,
    },
  );
  await p.rollback.putFreeze({
    pipeline: 'ranking-deploy',
    stage: 'Production',
    binding: 'ranking-live',
    alarms: ['ranking-p99'],
    since: at('09:30:00'),
  });
  await p.killSwitch.set({ paused: true, by: 'alice', reason: 'incident 42', at: at('10:00:00') });
  const gate = { kind: 'gate.registry', inputs: {} };
  await p.decisions.record({
    ...gate,
    subject: HELD_PACKAGE,
    outcome: 'HOLD',
    reasons: ['HOLD by gate churn-quality: warning check did not pass\nrecall=0.66 FAIL'],
    inputs: { package: HELD_PACKAGE },
    at: at('08:00:00'),
  });
  const settled = HELD_PACKAGE.replace(/5$/, '4');
  await p.decisions.record({ ...gate, subject: settled, outcome: 'HOLD', reasons: ['HOLD'], at: at('07:00:00') });
  await p.decisions.record({
    ...gate,
    subject: settled,
    outcome: 'SKIPPED',
    reasons: ['Approved'],
    at: at('07:30:00'),
  });
}
