import {
  nextStart,
  recordedExecutionId,
  requestedStart,
  resumesClaim,
  type RunState,
} from '../../../functions/domain/starts';
import type { StartResult } from '../../../functions/ports/pipelines';
import type { BatchRecord, BatchStatus, GuardState } from '../../../functions/ports/run-store';
import { testRule } from '../../support/policies';

const now = new Date('2026-11-22T10:00:00Z');
const rule = (guards: Record<string, unknown> = {}) => testRule({ guards });
const guard = (g: Partial<GuardState> = {}): GuardState => ({ version: 3, startsToday: 0, nextSeq: 4, ...g });
const batch = (status: BatchStatus, b: Partial<BatchRecord> = {}): BatchRecord => ({
  rule: 'r',
  seq: 4,
  status,
  objects: 2,
  bytes: 20,
  closedAt: '2026-11-22T09:59:00Z',
  updatedAt: '2026-11-22T09:59:00Z',
  ...b,
});
const cooldown = { cooldownSeconds: 600, exclusive: false };
const recent = { lastStartAt: '2026-11-22T09:55:00Z' };
const deferReason = 'cooldown: last start 2026-11-22T09:55:00Z, next allowed 2026-11-22T10:05:00.000Z';

describe('nextStart', () => {
  it.each<[string, Record<string, unknown>, Partial<GuardState>, BatchRecord | undefined, Partial<RunState>, object]>([
    ['no closed batch: idle', {}, {}, undefined, {}, { phase: 'idle', reason: 'no closed batch 4 of r' }],
    [
      'a quarantined batch is skipped: the guard moves past it',
      {},
      {},
      batch('QUARANTINED'),
      {},
      { phase: 'skip', reason: 'batch 4 is QUARANTINED: it never starts', next: { nextSeq: 5, startsToday: 0 } },
    ],
    [
      'a started batch is skipped too',
      {},
      {},
      batch('STARTED'),
      {},
      { phase: 'skip', reason: 'batch 4 is STARTED: it never starts' },
    ],
    [
      'an unrecorded earlier start: wait for its claimer',
      {},
      {},
      batch('CLOSED'),
      { unrecorded: { batch: batch('CLOSED', { seq: 3 }), since: '2026-11-22T09:58:00Z' } },
      {
        phase: 'wait',
        reason: 'the start of batch 3 claimed at 2026-11-22T09:58:00Z is not recorded yet',
      },
    ],
    [
      'a guard holds it: defer, and say so on the record',
      cooldown,
      recent,
      batch('CLOSED'),
      {},
      {
        phase: 'defer',
        reasons: [deferReason],
        reason: deferReason,
        retryAt: '2026-11-22T10:05:00.000Z',
        changed: true,
      },
    ],
    [
      'deferred already for the same reason: nothing new to record',
      cooldown,
      recent,
      batch('DEFERRED', { reason: deferReason }),
      {},
      { phase: 'defer', changed: false },
    ],
    [
      'deferred for another reason: the record changes',
      cooldown,
      recent,
      batch('DEFERRED', { reason: 'daily cap: 2 of 2 starts used on 2026-11-21' }),
      {},
      { phase: 'defer', changed: true },
    ],
    [
      'guards clear: claim it, naming the batch as the one starting',
      {},
      {},
      batch('CLOSED'),
      {},
      {
        phase: 'start',
        claim: {
          nextSeq: 5,
          startsToday: 1,
          lastStartAt: now.toISOString(),
          running: { seq: 4, since: now.toISOString() },
          starting: { seq: 4, since: now.toISOString() },
        },
      },
    ],
  ])('%s', (_case, guards, g, b, run, expected) => {
    const read = guard(g);
    expect(nextStart(rule(guards), read, b, { guard: read, ...run }, now)).toMatchObject(expected);
  });

  it('judges exclusivity on the run state, which knows the running execution', () => {
    const read = guard({ running: { seq: 3, since: '2026-11-22T09:59:00Z' } });
    const known = { ...read, running: { seq: 3, since: '2026-11-22T09:59:00Z', executionId: 'e-3' } };
    const next = nextStart(rule({ exclusive: true }), read, batch('CLOSED'), { guard: known }, now);
    expect(next).toMatchObject({ phase: 'defer', reasons: ['batch 3 is still running (execution e-3)'] });
  });
});

describe('requestedStart', () => {
  const own = guard({ running: { seq: -1, since: '2026-11-22T09:59:00Z', token: 'tok' } });
  it.each<[string, Record<string, unknown>, GuardState, object]>([
    [
      'its own claim from an interrupted sweep: resume it, whatever the guards say',
      { exclusive: true },
      own,
      { phase: 'resume', reasons: ['re-issued: the start was claimed by an interrupted sweep'] },
    ],
    ['a guard holds it: defer', cooldown, guard(recent), { phase: 'defer', reasons: [deferReason] }],
    [
      'another request’s run blocks an exclusive rule',
      { exclusive: true },
      guard({ running: { seq: -1, since: '2026-11-22T09:59:00Z', token: 'other' } }),
      { phase: 'defer', reasons: ['an alarm-started run is still running (execution starting)'] },
    ],
    [
      'guards clear: claim it as a run without a batch, the batch order unchanged',
      {},
      guard(),
      {
        phase: 'start',
        claim: { nextSeq: 4, startsToday: 1, running: { seq: -1, since: now.toISOString(), token: 'tok' } },
      },
    ],
  ])('%s', (_case, guards, g, expected) => {
    expect(requestedStart(rule(guards), g, g, 'tok', now)).toMatchObject(expected);
  });

  it('resumes only the claim carrying its own token', () => {
    expect(resumesClaim(own, 'tok')).toBe(true);
    expect(resumesClaim(own, 'other')).toBe(false);
    expect(resumesClaim(guard({ running: { seq: 2, since: '2026-11-22T09:59:00Z', token: 'tok' } }), 'tok')).toBe(
      false,
    );
  });
});

describe('recordedExecutionId', () => {
  it.each<[string, StartResult, string]>([
    [
      'a CodePipeline start: its execution id',
      { executionId: 'b7d1c7a4-0e7e-4f6a-9a57-2f3c1d5e8a90' },
      'b7d1c7a4-0e7e-4f6a-9a57-2f3c1d5e8a90',
    ],
    [
      'a SageMaker start: its execution ARN',
      { executionId: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/x1' },
      'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/x1',
    ],
    [
      'a withheld start: named by its token, whatever the reason',
      { withheld: 'observe (retraining[0].mode)' },
      'withheld:tok-4',
    ],
    [
      'a start withheld by the kill switch: the same name',
      { withheld: 'paused by alice: incident 42' },
      'withheld:tok-4',
    ],
  ])('%s', (_name, result, expected) => {
    expect(recordedExecutionId(result, 'tok-4')).toBe(expected);
  });
});
