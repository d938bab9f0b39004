import {
  bytesText,
  closeOutlook,
  controllerStatus,
  freezeStatus,
  pendingHolds,
  ruleStatus,
} from '../../../functions/domain/status';
import type { OpenBatchView } from '../../../functions/ports/batch-ledger';
import type { Decision } from '../../../functions/ports/decision-log';
import type { BatchRecord, GuardState } from '../../../functions/ports/run-store';
import type { Policy } from '../../../functions/config/policy';
import { testPolicy, testRule } from '../../support/policies';

const now = new Date('2026-11-22T10:10:00.000Z');
const t = (hms: string) => `2026-11-22T${hms}.000Z`;
const open = (n: number, bytes: number, first?: string, last?: string): OpenBatchView => ({
  pendingObjects: n,
  pendingBytes: bytes,
  nextSeq: 0,
  ...(first ? { firstArrivalAt: t(first) } : {}),
  ...(last ? { lastArrivalAt: t(last) } : {}),
});

describe('closeOutlook: what closes the open batch first', () => {
  it.each<[string, Record<string, unknown>, OpenBatchView, string | undefined, string, Record<string, string>]>([
    [
      'the quiet period before the count, at the arrival rate so far (1 a minute)',
      { maxObjects: 10, quietSeconds: 300 },
      open(4, 400, '10:06:00', '10:09:00'),
      'quietSeconds',
      'earliest: 2026-11-22T10:14:00.000Z if nothing more arrives',
      { maxObjects: t('10:15:00'), quietSeconds: t('10:14:00') },
    ],
    [
      'the count before the quiet period when objects come faster (3 a minute)',
      { maxObjects: 10, quietSeconds: 300 },
      open(4, 400, '10:08:00', '10:09:00'),
      'maxObjects',
      'earliest at the arrival rate so far: about 2026-11-22T10:11:00.000Z',
      { maxObjects: t('10:11:00'), quietSeconds: t('10:14:00') },
    ],
    [
      'a burst gives no rate: the quiet period is the only time',
      { maxObjects: 10, quietSeconds: 900 },
      open(10 - 1, 900, '10:05:00', '10:05:00'),
      'quietSeconds',
      'earliest: 2026-11-22T10:20:00.000Z if nothing more arrives',
      { quietSeconds: t('10:20:00') },
    ],
    [
      'without times, the threshold nearest its limit',
      { maxObjects: 10, maxBytes: 1000 },
      open(5, 800, '10:05:00', '10:05:00'),
      'maxBytes',
      'nearest to its limit (80%)',
      {},
    ],
    [
      'bytes at the byte rate so far',
      { maxBytes: 1000 },
      open(3, 600, '10:07:00', '10:09:00'),
      'maxBytes',
      'earliest at the arrival rate so far: about 2026-11-22T10:11:00.000Z',
      { maxBytes: t('10:11:00') },
    ],
    [
      'an estimate already past (the arrivals stopped) is none',
      { maxObjects: 10, maxBytes: 1000 },
      open(3, 600, '10:00:00', '10:02:00'),
      'maxBytes',
      'nearest to its limit (60%)',
      {},
    ],
    [
      'a count already reached closes at the next append or sweep',
      { maxObjects: 3, quietSeconds: 300 },
      open(3, 300, '10:09:00', '10:09:30'),
      'maxObjects',
      'maxObjects is reached: the next append or sweep closes it',
      { quietSeconds: t('10:14:30') },
    ],
    [
      'a quiet period already over waits for the sweeper',
      { quietSeconds: 300 },
      open(2, 200, '10:00:00', '10:04:00'),
      'quietSeconds',
      'the quiet period is over: the next sweep (every minute) closes it',
      { quietSeconds: t('10:09:00') },
    ],
    [
      'a marker alone can only be waited for',
      { marker: '_SUCCESS' },
      open(2, 200, '10:00:00', '10:04:00'),
      'marker',
      'only the marker closes it',
      {},
    ],
  ])('%s', (_, trigger, batch, first, why, times) => {
    const outlook = closeOutlook(testRule({ trigger }), batch, now);
    expect(outlook).toMatchObject({ first, why });
    expect(Object.fromEntries(outlook.thresholds.filter((x) => x.at).map((x) => [x.trigger, x.at]))).toEqual(times);
  });

  it('names what each threshold still needs', () => {
    const outlook = closeOutlook(
      testRule({ trigger: { marker: '_SUCCESS', maxObjects: 10, maxBytes: 2 * 1024 ** 2 } }),
      open(7, 1024 ** 2, '10:00:00', '10:00:00'),
      now,
    );
    expect(outlook.thresholds.map((x) => [x.trigger, x.needs, x.met])).toEqual([
      ['marker', 'the marker _SUCCESS arriving', false],
      ['maxObjects', '3 more objects (7 of 10)', false],
      ['maxBytes', '1.0 MiB more (1.0 MiB of 2.0 MiB)', false],
    ]);
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [50 * 1024 ** 3, '50 GiB'],
  ])('bytesText(%d) = %s', (n, text) => expect(bytesText(n)).toBe(text));
});

describe('ruleStatus', () => {
  const rule = testRule({
    trigger: { maxObjects: 10 },
    guards: { cooldownSeconds: 1800, dailyCap: 4, exclusive: true, maxRunSeconds: 3600 },
  });
  const batch = (seq: number, status: BatchRecord['status'], extra: Partial<BatchRecord> = {}): BatchRecord => ({
    rule: 'r',
    seq,
    status,
    objects: 5,
    bytes: 500,
    closedAt: t('09:00:00'),
    updatedAt: t('09:00:00'),
    ...extra,
  });
  const guard: GuardState = {
    version: 3,
    lastStartAt: t('09:50:00'),
    day: '2026-11-22',
    startsToday: 2,
    running: { seq: 2, since: t('09:50:00') },
    nextSeq: 3,
  };

  it('the guard, the running batch with its execution, and why the next batch waits', () => {
    const status = ruleStatus(
      rule,
      {
        open: open(0, 0),
        guard,
        batches: [
          batch(1, 'QUARANTINED', { reason: 'schema: missing column label' }),
          batch(3, 'DEFERRED', { reason: 'cooldown' }),
          batch(4, 'CLOSED'),
        ],
        running: batch(2, 'STARTED', { executionId: 'exec-2' }),
      },
      now,
    );
    expect(status).toEqual({
      rule: 'r',
      target: 'codepipeline p',
      waiting: [
        expect.objectContaining({ seq: 3, status: 'DEFERRED', reason: 'cooldown' }),
        expect.objectContaining({ seq: 4, status: 'CLOSED' }),
      ],
      quarantined: [expect.objectContaining({ seq: 1, reason: 'schema: missing column label' })],
      guard: {
        running: { seq: 2, since: t('09:50:00'), executionId: 'exec-2', blocksUntil: t('10:50:00') },
        cooldownUntil: t('10:20:00'),
        startsToday: 2,
        dailyCap: 4,
        nextSeq: 3,
      },
      next: {
        seq: 3,
        startsNow: false,
        reasons: [
          'batch 2 is still running (execution exec-2)',
          `cooldown: last start ${t('09:50:00')}, next allowed ${t('10:20:00')}`,
        ],
        retryAt: t('10:20:00'),
      },
    });
    expect(status.open).toBeUndefined();
  });

  it("yesterday's starts do not count today; a batch the guard moved past is a claim being recorded", () => {
    const status = ruleStatus(
      rule,
      {
        open: open(2, 200, '10:00:00', '10:01:00'),
        guard: { version: 4, lastStartAt: '2026-11-21T20:00:00.000Z', day: '2026-11-21', startsToday: 4, nextSeq: 5 },
        batches: [batch(4, 'CLOSED'), batch(5, 'CLOSED')],
      },
      now,
    );
    expect(status.guard).toEqual({ startsToday: 0, dailyCap: 4, nextSeq: 5 });
    expect(status.waiting.map((b) => [b.seq, b.claimed ?? false])).toEqual([
      [4, true],
      [5, false],
    ]);
    expect(status.next).toEqual({ seq: 5, startsNow: true, reasons: ['guards clear: the next sweep starts it'] });
    expect(status.open).toMatchObject({ objects: 2, bytes: 200, ageSeconds: 600, closing: false });
  });
});

describe('pendingHolds', () => {
  const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';
  const d = (kind: string, subject: string, outcome: string, at: string, inputs = {}): Decision => ({
    kind,
    subject,
    outcome,
    reasons: [`${outcome} ${subject}\nper-check lines`],
    inputs,
    at: t(at),
  });
  const approval = 'deploy/Approve/gate@exec-1';

  it.each<[string, Decision[], string[]]>([
    ['a HOLD nothing followed', [d('gate.registry', ARN, 'HOLD', '09:00:00')], [ARN]],
    [
      'settled by a later decision on its subject',
      [d('gate.registry', ARN, 'HOLD', '09:00:00'), d('gate.registry', ARN, 'SKIPPED', '09:05:00')],
      [],
    ],
    [
      'a registry HOLD is settled by an override naming the package under another subject',
      [
        d('gate.registry', ARN, 'HOLD', '09:00:00'),
        d('gate.override', `override/${ARN}`, 'APPROVE', '09:05:00', { package: ARN }),
      ],
      [],
    ],
    [
      'an approval HOLD stays when its package is decided elsewhere',
      [
        d('gate.approval', approval, 'HOLD', '09:00:00', { package: ARN }),
        d('gate.registry', ARN, 'APPROVE', '09:05:00', { package: ARN }),
      ],
      [approval],
    ],
    [
      'held again after it was settled',
      [
        d('gate.registry', ARN, 'HOLD', '09:00:00'),
        d('gate.registry', ARN, 'SKIPPED', '09:05:00'),
        d('gate.registry', ARN, 'HOLD', '09:10:00'),
      ],
      [ARN],
    ],
    [
      'in time order, whatever order the records come in',
      [d('gate.registry', ARN, 'SKIPPED', '09:05:00'), d('gate.registry', ARN, 'HOLD', '09:00:00')],
      [],
    ],
  ])('%s', (_, decisions, subjects) => {
    expect(pendingHolds(decisions).map((h) => h.subject)).toEqual(subjects);
  });

  it('keeps the reason and names the held package', () => {
    expect(pendingHolds([d('gate.approval', approval, 'HOLD', '09:00:00', { package: ARN })])).toEqual([
      {
        kind: 'gate.approval',
        subject: approval,
        at: t('09:00:00'),
        reason: `HOLD ${approval}\nper-check lines`,
        package: ARN,
      },
    ]);
  });
});

describe('freezeStatus', () => {
  // freezeStatus reads the bindings' freeze targets only.
  const policy = (autoUnfreezeAfterOkSeconds?: number) =>
    ({
      rollback: [
        {
          name: 'live',
          freeze: {
            pipeline: 'deploy',
            stage: 'Prod',
            ...(autoUnfreezeAfterOkSeconds ? { autoUnfreezeAfterOkSeconds } : {}),
          },
        },
      ],
    }) as unknown as Policy;
  const frozen = { pipeline: 'deploy', stage: 'Prod', binding: 'live', alarms: ['p99'], since: t('09:00:00') };

  it.each<[string, number | undefined, string | undefined, string, string | undefined]>([
    [
      'by a person without auto-unfreeze',
      undefined,
      undefined,
      'by a person: mlops-controller unfreeze deploy Prod',
      undefined,
    ],
    [
      'after the OK cooldown once every alarm is OK',
      600,
      undefined,
      'by itself 600s after every alarm (p99) is OK, or mlops-controller unfreeze deploy Prod',
      undefined,
    ],
    [
      'at a time once the alarms are OK',
      600,
      t('10:00:00'),
      `by itself at ${t('10:10:00')} if the alarms stay OK, or mlops-controller unfreeze deploy Prod`,
      t('10:10:00'),
    ],
  ])('thaws %s', (_, after, okSince, thaws, thawsAt) => {
    const status = freezeStatus(policy(after), { ...frozen, ...(okSince ? { okSince } : {}) });
    expect(status.thaws).toBe(thaws);
    expect(status.thawsAt).toBe(thawsAt);
  });
});

describe('controllerStatus', () => {
  it("lists the policy's rules in order, the switch, and the window the holds were looked for in", () => {
    const policy = testPolicy([
      { name: 'b', source: { bucket: 'x' }, target: { type: 'codepipeline', name: 'pb' }, trigger: { maxObjects: 2 } },
      { name: 'a', source: { bucket: 'y' }, target: { type: 'codepipeline', name: 'pa' }, trigger: { maxObjects: 2 } },
    ]);
    const reads = { open: open(0, 0), guard: { version: 0, startsToday: 0, nextSeq: 0 }, batches: [] };
    const status = controllerStatus(
      policy,
      {
        rules: new Map([
          ['a', reads],
          ['b', reads],
        ]),
        freezes: [],
        killSwitch: { paused: true, by: 'alice', reason: 'incident 42' },
        decisions: [],
        holdsSince: t('00:00:00'),
      },
      now,
    );
    expect(status.rules.map((r) => r.rule)).toEqual(['b', 'a']);
    expect(status).toMatchObject({
      at: now.toISOString(),
      killSwitch: { paused: true, by: 'alice' },
      holds: [],
      holdsSince: t('00:00:00'),
    });
  });
});
