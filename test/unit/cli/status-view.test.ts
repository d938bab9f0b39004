import { MemoryBatchLedger } from '../../../functions/adapters/memory/batch-ledger';
import { MemoryDecisionLog } from '../../../functions/adapters/memory/decision-log';
import { MemoryKillSwitch } from '../../../functions/adapters/memory/kill-switch';
import { MemoryRollbackStore } from '../../../functions/adapters/memory/rollback-store';
import { MemoryRunStore } from '../../../functions/adapters/memory/run-store';
import { durationText, statusTable, textTable } from '../../../functions/cli/status-view';
import { validatePolicy } from '../../../functions/config/policy';
import type { Clock } from '../../../functions/ports/clock';
import { wireStatus } from '../../../functions/wiring/status';
import { HELD_PACKAGE, NOW, at, seedStatusWorld, statusPolicyDocument } from '../../support/status-world';

const clock: Clock = { now: () => new Date(NOW), sleep: async () => {} };
const policy = validatePolicy(statusPolicyDocument());
const PKG = HELD_PACKAGE;

async function world() {
  const ports = {
    ledger: new MemoryBatchLedger(),
    runs: new MemoryRunStore(),
    rollback: new MemoryRollbackStore(),
    killSwitch: new MemoryKillSwitch(),
    decisions: new MemoryDecisionLog(clock),
  };
  await seedStatusWorld(ports);
  return wireStatus(ports, { policy, clock });
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
        '  (a quarantined batch waits for a person: mlops-controller quarantine release|drop <rule> <seq> --reason ...)',
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
