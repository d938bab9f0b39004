import type { RetrainingTarget } from '../../config/policy';
import { logTail, type FailureFacts } from '../../domain/run-failure';
import type { RunFailures } from '../../ports/run-failures';
import type { MemoryWorld } from './world';

/** What the embedded world's executions say about their failure (a scenario sets it on `finish`). */
export class MemoryRunFailures implements RunFailures {
  constructor(private readonly world: MemoryWorld) {}

  async facts(target: Pick<RetrainingTarget, 'type' | 'name'>, executionId: string): Promise<FailureFacts> {
    const execution = this.world.executions.find((e) => e.id === executionId && e.kind === target.type);
    if (!execution) return { unread: `could not read why: no ${target.type} execution ${executionId}` };
    if (!execution.failure?.failedAt && !execution.failure?.message && !execution.failure?.log?.length)
      return { unread: `${target.type} recorded no failed step or message for ${executionId}` };
    const { log, ...facts } = execution.failure;
    // The log is cut as the CodeBuild reader cuts the stream it reads.
    const tail = log ? logTail(log) : [];
    return { ...facts, ...(tail.length > 0 ? { log: tail } : {}) };
  }
}
