import { MemoryDecisionLog } from '../../../../functions/adapters/memory/decision-log';
import { MemoryDecisionEvents } from '../../../../functions/adapters/memory/decision-events';
import { MemoryKillSwitch } from '../../../../functions/adapters/memory/kill-switch';
import { MemoryWorld } from '../../../../functions/adapters/memory/world';
import { describeDecisionEventsContract } from '../../../contract/decision-events.contract';
import { describeDecisionLogContract } from '../../../contract/decision-log.contract';
import { describeKillSwitchContract } from '../../../contract/kill-switch.contract';
import { TestClock } from '../../../support/memory-harness';

describeKillSwitchContract('memory', async () => {
  // One switch in one process: the operator and the functions share it, nothing is cached.
  const killSwitch = new MemoryKillSwitch();
  return { operator: killSwitch, fn: killSwitch, advance: () => {}, cacheSeconds: 0 };
});

describeDecisionEventsContract('memory', async () => {
  const world = new MemoryWorld({ now: () => new Date('2026-11-22T08:00:00Z'), sleep: async () => {} });
  const requests = () =>
    world.actions
      .filter((a) => a.service === 'events' && a.operation === 'PutEvents')
      .map((a) => a.input.Entries as Array<{ Source: string; DetailType: string; Detail: string }>);
  return {
    events: new MemoryDecisionEvents(world, 'controller-decisions'),
    received: async () =>
      requests()
        .flat()
        .map((e) => ({ source: e.Source, detailType: e.DetailType, detail: JSON.parse(e.Detail) })),
    requests,
  };
});

describeDecisionLogContract('memory', async () => {
  const clock = new TestClock();
  const killSwitch = new MemoryKillSwitch();
  const log = new MemoryDecisionLog(clock, { killSwitch });
  return {
    log,
    killSwitch,
    operator: killSwitch,
    records: async () => log.decisions,
    advance: (seconds) => clock.advance(seconds),
    now: () => clock.now().toISOString(),
  };
});

describe('MemoryDecisionLog wiring', () => {
  it('a commit held to the kill switch fails, writing nothing, when the log was built without one', async () => {
    const log = new MemoryDecisionLog(new TestClock());
    const decision = {
      kind: 'rollback.codedeploy',
      subject: 'app/live',
      outcome: 'STOPPED',
      reasons: [],
      inputs: {},
      at: '',
    };
    await expect(log.commit(decision, { key: 'k', ttlSeconds: 60 }, [], { unlessPaused: true })).rejects.toThrow(
      /kill switch not wired/,
    );
    expect(log.decisions).toEqual([]);
  });
});
