/**
 * `status`: reads the state a stage keeps (through read ports only: it writes nothing) and asks the
 * domain what it means (functions/domain/status.ts). The rules are read in parallel; each costs the
 * ledger's inspect, the guard, one batch query, and the running batch's record when the guard
 * names a batch run without its execution id.
 */
import type { Policy } from '../config/policy';
import { controllerStatus, type ControllerStatus, type RuleReads } from '../domain/status';
import type { BatchLedger } from '../ports/batch-ledger';
import type { Clock } from '../ports/clock';
import type { DecisionHistory } from '../ports/decision-history';
import type { KillSwitch } from '../ports/kill-switch';
import type { RollbackStore } from '../ports/rollback-store';
import type { BatchStatus, RunStore } from '../ports/run-store';

export interface StatusDeps {
  policy: Policy;
  clock: Clock;
  ledger: Pick<BatchLedger, 'inspect'>;
  runs: Pick<RunStore, 'getGuard' | 'batches' | 'getBatch'>;
  rollback: Pick<RollbackStore, 'freezes'>;
  killSwitch: Pick<KillSwitch, 'state'>;
  decisions: DecisionHistory;
}

/** Every status but STARTED: what has not started (yet), and what never will by itself. */
const NOT_STARTED: readonly BatchStatus[] = ['CLOSED', 'DEFERRED', 'STARTING', 'QUARANTINED'];
const DAY_MS = 86_400_000;

export interface StatusOptions {
  /** HOLDs are looked for in the gate decisions from this ISO time on (default 7 days back). */
  holdsSince?: string;
}

export async function readStatus(deps: StatusDeps, options: StatusOptions = {}): Promise<ControllerStatus> {
  const now = deps.clock.now();
  const holdsSince = options.holdsSince ?? new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const [rules, freezes, killSwitch, decisions] = await Promise.all([
    Promise.all(deps.policy.retraining.map(async (rule) => [rule.name, await readRule(deps, rule.name)] as const)),
    deps.rollback.freezes(),
    deps.killSwitch.state({ fresh: true }),
    deps.decisions.list({ since: holdsSince, until: now.toISOString(), kind: 'gate' }),
  ]);
  return controllerStatus(deps.policy, { rules: new Map(rules), freezes, killSwitch, decisions, holdsSince }, now);
}

async function readRule(deps: StatusDeps, rule: string): Promise<RuleReads> {
  const [open, guard, batches] = await Promise.all([
    deps.ledger.inspect(rule),
    deps.runs.getGuard(rule),
    deps.runs.batches(rule, { statuses: NOT_STARTED }),
  ]);
  const run = guard.running;
  const running = run && run.seq >= 0 && !run.executionId ? await deps.runs.getBatch(rule, run.seq) : undefined;
  return { open, guard, batches, ...(running ? { running } : {}) };
}
