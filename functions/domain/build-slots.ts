/**
 * The account's CodeBuild concurrency, shared by every codebuild rule: a start holds a slot from
 * before its claim until its build's terminal event (or until its rule's `maxRunSeconds` pass, as
 * a lost terminal event must not hold a slot for ever). Holders are start tokens, so the same
 * start asking twice (a redelivery, a re-issued claim) holds one slot.
 */

/**
 * Holder (start token) → when its slot lapses (ISO time) and, once the build started, its ARN:
 * the terminal event names the build, not the token.
 */
export type SlotHolders = Record<string, { until: string; executionId?: string }>;

export type SlotVerdict =
  | { phase: 'held'; reason: string }
  | { phase: 'claim'; holders: SlotHolders; reason: string }
  | { phase: 'full'; reason: string; retryAt: string };

const live = (holders: SlotHolders, now: Date): SlotHolders =>
  Object.fromEntries(Object.entries(holders).filter(([, h]) => Date.parse(h.until) > now.getTime()));

export function claimSlot(
  holders: SlotHolders,
  holder: string,
  max: number,
  now: Date,
  holdSeconds: number,
): SlotVerdict {
  const current = live(holders, now);
  if (Object.hasOwn(current, holder)) return { phase: 'held', reason: 'this start already holds a CodeBuild slot' };
  const running = Object.keys(current).length;
  if (running >= max) {
    const retryAt = Object.values(current)
      .map((h) => h.until)
      .sort()[0]!;
    return {
      phase: 'full',
      reason: `${running} CodeBuild builds the controller started are running, the most controller.codebuild.maxConcurrentBuilds (${max}) allows`,
      retryAt,
    };
  }
  return {
    phase: 'claim',
    holders: { ...current, [holder]: { until: new Date(now.getTime() + holdSeconds * 1000).toISOString() } },
    reason: `CodeBuild slot ${running + 1} of ${max}`,
  };
}

/** The holders with `holder`'s build named, or undefined when it holds no slot (or names it already). */
export function bindSlot(holders: SlotHolders, holder: string, executionId: string): SlotHolders | undefined {
  const held = holders[holder];
  if (!held || held.executionId === executionId) return undefined;
  return { ...holders, [holder]: { ...held, executionId } };
}

/**
 * The holders without the one that is `key` or whose build is `key` (and without lapsed ones), or
 * undefined when none is.
 */
export function releaseSlot(holders: SlotHolders, key: string, now: Date): SlotHolders | undefined {
  const gone = Object.entries(holders).find(([h, v]) => h === key || v.executionId === key)?.[0];
  if (gone === undefined) return undefined;
  const { [gone]: _gone, ...rest } = holders;
  return live(rest, now);
}
