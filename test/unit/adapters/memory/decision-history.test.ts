import { MemoryDecisionLog } from '../../../../functions/adapters/memory/decision-log';
import type { Clock } from '../../../../functions/ports/clock';
import { describeDecisionHistoryContract } from '../../../contract/decision-history.contract';

describeDecisionHistoryContract('memory', async () => {
  let now = new Date();
  const clock: Clock = { now: () => now, sleep: async () => {} };
  return { log: new MemoryDecisionLog(clock), setNow: (iso) => (now = new Date(iso)) };
});
