import { MemoryBatchLedger } from '../../../functions/adapters/memory/batch-ledger';
import { MemoryDecisionLog } from '../../../functions/adapters/memory/decision-log';
import { MemoryKillSwitch } from '../../../functions/adapters/memory/kill-switch';
import { MemoryRollbackStore } from '../../../functions/adapters/memory/rollback-store';
import { MemoryRunStore } from '../../../functions/adapters/memory/run-store';
import { durationText, statusTable, textTable } from '../../../functions/cli/status-view';
import { validatePolicy } from '../../../functions/config/policy';
import type { Clock } from '../../../functions/ports/clock';
import { wireStatus } from '../../../functions/wiring/status';

const at = (hms: string) => `2026-11-22T${hms}.000Z`;
const clock: Clock = { now: () => new Date(at('10:10:00')), sleep: async () => {} };
const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';

const policy = validatePolicy({
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

/** A world with every kind of state status shows, written through the same ports the workflows write. */
async function world() {
  const ledger = new MemoryBatchLedger();
  const runs = new MemoryRunStore();
  const rollback = new MemoryRollbackStore();
  const killSwitch = new MemoryKillSwitch();
  const decisions = new MemoryDecisionLog(clock);
  const object = (key: string) => ({ bucket: 'data', key: `churn/${key}`, size: 1000, etag: `e-${key}` });
  // Open batch: 4 objects over 3 minutes.
  await ledger.append('churn', [object('a.csv')], new Date(at('10:05:00')));
  await ledger.append('churn', [object('b.csv'), object('c.csv')], new Date(at('10:07:00')));
  await ledger.append('churn', [object('d.csv')], new Date(at('10:08:00')));
  const batch = { rule: 'churn', objects: 12, bytes: 12_000, closedAt: at('09:40:00'), updatedAt: at('09:40:00') };
  await runs.putBatch({ ...batch, seq: 1, status: 'QUARANTINED', reason: 'churn/x.csv: missing columns label' });
  await runs.putBatch({ ...batch, seq: 2, status: 'STARTED', executionId: 'arn:aws:codepipeline:exec/e-2' });
  await runs.putBatch({
    ...batch,
    seq: 3,
    status: 'DEFERRED',
    reason: 'batch 2 is still running',
    closedAt: at('09:55:00'),
  });
  await runs.swapGuard(
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
  await rollback.putFreeze({
    pipeline: 'ranking-deploy',
    stage: 'Production',
    binding: 'ranking-live',
    alarms: ['ranking-p99'],
    since: at('09:30:00'),
  });
  await killSwitch.set({ paused: true, by: 'alice', reason: 'incident 42', at: at('10:00:00') });
  await decisions.record({
    kind: 'gate.registry',
    subject: PKG,
    outcome: 'HOLD',
    reasons: ['HOLD by gate churn-quality: warning check did not pass\nrecall=0.66 FAIL'],
    inputs: { package: PKG },
    at: at('08:00:00'),
  });
  // A HOLD the re-delivery then found decided: settled, not listed.
  const settled = PKG.replace(/5$/, '4');
  await decisions.record({
    kind: 'gate.registry',
    subject: settled,
    outcome: 'HOLD',
    reasons: ['HOLD'],
    inputs: {},
    at: at('07:00:00'),
  });
  await decisions.record({
    kind: 'gate.registry',
    subject: settled,
    outcome: 'SKIPPED',
    reasons: ['Approved'],
    inputs: {},
    at: at('07:30:00'),
  });
  return wireStatus({ ledger, runs, rollback, killSwitch, decisions }, { policy, clock });
}

describe('status screen', () => {
  it('shows every rule, the batches not started and why, thresholds, freezes, HOLDs and the kill switch', async () => {
    const status = await (await world())();
    expect(statusTable(status)).toBe(
      [
        'mlops-controller status at 2026-11-22 10:10:00 UTC',
        '',
        'KILL SWITCH  PAUSED by alice at 2026-11-22 10:00:00: incident 42 (every write action is withheld; mlops-controller resume)',
        '',
        'RETRAINING RULES',
        'RULE     OPEN BATCH                 CLOSES FIRST BY                                 WAITING  QUARANTINED  RUNNING                       COOLDOWN UNTIL  TODAY',
        'churn    4 obj, 3.9 KiB, age 5m00s  maxObjects: 6 more objects (4 of 10) ~10:14:00  1        1            batch 2 since 09:50:00 (e-2)  10:20:00        2/4',
        'ranking  -                          -                                               0        0            -                             -               0',
        '',
        'BATCHES NOT STARTED',
        'RULE   SEQ  STATUS       OBJECTS  BYTES   CLOSED    WHY',
        'churn  3    DEFERRED     12       12 KiB  09:55:00  waits: batch 2 is still running (execution arn:aws:codepipeline:exec/e-2); cooldown: last start 2026-11-22T09:50:00.000Z, next allowed 2026-11-22T10:20:00.000Z (retry 10:20:00)',
        'churn  1    QUARANTINED  12       12 KiB  09:40:00  churn/x.csv: missing columns label',
        '',
        'OPEN BATCH THRESHOLDS (* fires first)',
        'RULE   TRIGGER       NEEDS                     AT (estimate)',
        'churn  maxObjects *  6 more objects (4 of 10)  10:14:00',
        'churn  quietSeconds  no new object for 600s    10:18:00',
        '',
        'FROZEN STAGES',
        'PIPELINE/STAGE             BINDING       ALARMS       SINCE     THAWS',
        'ranking-deploy/Production  ranking-live  ranking-p99  09:30:00  by itself 900s after every alarm (ranking-p99) is OK, or mlops-controller unfreeze ranking-deploy Production',
        '',
        'PENDING HOLDS (gate decisions since 2026-11-15 10:10:00)',
        'AT        KIND           SUBJECT                                                                WHY',
        '08:00:00  gate.registry  arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5  HOLD by gate churn-quality: warning check did not pass',
      ].join('\n'),
    );
  });

  it('JSON carries the same state for scripts: thresholds with times, reasons, the guard, the hold', async () => {
    const json = JSON.parse(JSON.stringify(await (await world())())) as Record<string, unknown>;
    expect(json).toMatchObject({
      at: at('10:10:00'),
      killSwitch: { paused: true, by: 'alice', reason: 'incident 42' },
      rules: [
        {
          rule: 'churn',
          target: 'codepipeline churn-train',
          open: {
            objects: 4,
            bytes: 4000,
            firstArrivalAt: at('10:05:00'),
            lastArrivalAt: at('10:08:00'),
            ageSeconds: 300,
            closing: false,
            closes: {
              first: 'maxObjects',
              thresholds: [
                { trigger: 'maxObjects', needs: '6 more objects (4 of 10)', at: at('10:14:00'), met: false },
                { trigger: 'quietSeconds', needs: 'no new object for 600s', at: at('10:18:00'), met: false },
              ],
            },
          },
          waiting: [{ seq: 3, status: 'DEFERRED', reason: 'batch 2 is still running' }],
          quarantined: [{ seq: 1, status: 'QUARANTINED', reason: 'churn/x.csv: missing columns label' }],
          guard: {
            running: { seq: 2, executionId: 'arn:aws:codepipeline:exec/e-2', blocksUntil: at('15:50:00') },
            cooldownUntil: at('10:20:00'),
            startsToday: 2,
            dailyCap: 4,
            nextSeq: 3,
          },
          next: { seq: 3, startsNow: false, retryAt: at('10:20:00') },
        },
        { rule: 'ranking', target: 'sagemaker ranking-train', waiting: [], quarantined: [] },
      ],
      freezes: [{ pipeline: 'ranking-deploy', stage: 'Production', alarms: ['ranking-p99'], since: at('09:30:00') }],
      holds: [{ kind: 'gate.registry', subject: PKG, package: PKG, at: at('08:00:00') }],
    });
    expect((json.holds as unknown[]).length).toBe(1);
  });
});

describe('table helpers', () => {
  it.each([
    [0, '0s'],
    [59.6, '1m00s'],
    [3599, '59m59s'],
    [3600 * 5 + 60 * 7, '5h07m'],
    [86_400 * 2 + 3600 * 3, '2d03h'],
  ])('durationText(%d) = %s', (s, text) => expect(durationText(s)).toBe(text));

  it('textTable pads every column but the last', () => {
    expect(
      textTable(
        ['A', 'LONG'],
        [
          ['xyz', 'q'],
          ['', 'r s'],
        ],
      ),
    ).toBe('A    LONG\nxyz  q\n     r s');
  });
});
