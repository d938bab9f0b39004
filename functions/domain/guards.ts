import type { RetrainingRule } from '../config/policy';
import type { GuardState } from '../ports/run-store';

export type StartVerdict =
  | { verdict: 'start'; next: Omit<GuardState, 'version'>; reasons: string[] }
  | { verdict: 'defer'; reasons: string[]; /** Earliest time a retry can succeed, if time-bound. */ retryAt?: string };

const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * May batch `seq` of `rule` start now? All guards are evaluated so a deferral names every reason.
 * The returned `next` is what the guard becomes if the start is claimed (a batch claim also names
 * the batch in `starting`).
 */
export function evaluateStart(rule: RetrainingRule, guard: GuardState, seq: number, now: Date): StartVerdict {
  const g = rule.guards;
  const reasons: string[] = [];
  let retryAt: number | undefined;
  const later = (t: number) => (retryAt = Math.max(retryAt ?? 0, t));

  if (seq !== guard.nextSeq) reasons.push(`batch ${guard.nextSeq} must start first`);

  if (g.exclusive && guard.running) {
    const until = Date.parse(guard.running.since) + g.maxRunSeconds * 1000;
    if (now.getTime() < until) {
      reasons.push(
        `${guard.running.seq < 0 ? 'an alarm-started run' : `batch ${guard.running.seq}`} is still running (execution ${guard.running.executionId ?? 'starting'})`,
      );
    }
  }
  if (g.cooldownSeconds > 0 && guard.lastStartAt) {
    const until = Date.parse(guard.lastStartAt) + g.cooldownSeconds * 1000;
    if (now.getTime() < until) {
      reasons.push(`cooldown: last start ${guard.lastStartAt}, next allowed ${new Date(until).toISOString()}`);
      later(until);
    }
  }
  const today = utcDay(now);
  const startsToday = guard.day === today ? guard.startsToday : 0;
  if (g.dailyCap !== undefined && startsToday >= g.dailyCap) {
    reasons.push(`daily cap: ${startsToday} of ${g.dailyCap} starts used on ${today}`);
    later(Date.parse(`${today}T00:00:00Z`) + 86_400_000);
  }

  if (reasons.length > 0)
    return { verdict: 'defer', reasons, ...(retryAt ? { retryAt: new Date(retryAt).toISOString() } : {}) };

  return {
    verdict: 'start',
    reasons: [
      `guards clear (cooldown ${g.cooldownSeconds}s, daily cap ${g.dailyCap ?? 'none'}, exclusive ${g.exclusive})`,
    ],
    next: {
      // Only a batch claim replaces the last claimed start (functions/ports/run-store.ts).
      ...(guard.starting ? { starting: guard.starting } : {}),
      lastStartAt: now.toISOString(),
      day: today,
      startsToday: startsToday + 1,
      running: { seq, since: now.toISOString() },
      nextSeq: seq + 1,
    },
  };
}

/** A running execution ended (or timed out): the guard forgets it. */
export function releaseRunning(guard: GuardState): Omit<GuardState, 'version'> {
  const { version: _version, running: _running, ...rest } = guard;
  return rest;
}
