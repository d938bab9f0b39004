import { MemoryDecisionLog } from '../../../functions/adapters/memory/decision-log';
import { Recorder } from '../../../functions/workflows/recorder';
import { basePolicy, recordingLogger, TestClock } from '../../support/memory-harness';

function recorder() {
  const clock = new TestClock();
  const decisions = new MemoryDecisionLog(clock);
  const { logger, lines } = recordingLogger();
  return {
    rec: new Recorder({ policy: basePolicy(), decisions, clock, logger }, 'test.ignore'),
    clock,
    decisions,
    lines,
  };
}

describe('Recorder', () => {
  it('stamps a decision with the clock’s time and logs its kind and outcome', async () => {
    const { rec, clock, decisions, lines } = recorder();
    clock.advance(90);
    await rec.record({ kind: 'test.step', subject: 's', outcome: 'DONE', reasons: ['why'], inputs: { n: 1 } });
    expect(decisions.decisions).toEqual([
      {
        kind: 'test.step',
        subject: 's',
        outcome: 'DONE',
        reasons: ['why'],
        inputs: { n: 1 },
        at: '2026-11-22T08:01:30.000Z',
      },
    ]);
    expect(lines).toEqual([
      { level: 'info', message: 'decision test.step DONE', attributes: { subject: 's', reasons: ['why'] } },
    ]);
  });

  it('records an ignored delivery under the workflow’s own ignore kind', async () => {
    const { rec, decisions } = recorder();
    await rec.ignore('event/1', ['not ours'], { id: '1' });
    expect(decisions.decisions).toMatchObject([
      { kind: 'test.ignore', subject: 'event/1', outcome: 'IGNORED', reasons: ['not ours'], inputs: { id: '1' } },
    ]);
  });

  it('commits a stamped decision once per claim key: the second commit finds it held', async () => {
    const { rec, decisions } = recorder();
    const d = { kind: 'test.write', subject: 's', outcome: 'WRITTEN', reasons: [], inputs: {} };
    const first = await rec.commit(d, { key: 'K', ttlSeconds: 60 }, []);
    const second = await rec.commit(d, { key: 'K', ttlSeconds: 60 }, []);
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    expect(decisions.decisions).toMatchObject([{ kind: 'test.write', at: '2026-11-22T08:00:00.000Z' }]);
  });

  it.each([
    ['both served', { account: '123456789012', region: 'us-east-1' }, undefined],
    ['neither named: nothing to check', {}, undefined],
    [
      'another account',
      { account: '999999999999', region: 'us-east-1' },
      'account 999999999999 is not one of 123456789012, 111122223333',
    ],
    ['another region', { region: 'eu-west-1' }, 'region eu-west-1 is not one of us-east-1, us-west-2, ca-central-1'],
    [
      'both foreign: the account is named',
      { account: '999999999999', region: 'eu-west-1' },
      'account 999999999999 is not one of 123456789012, 111122223333',
    ],
  ])('origin check, %s', (_case, origin, expected) => {
    expect(recorder().rec.foreignOrigin(origin)).toBe(expected);
  });
});
