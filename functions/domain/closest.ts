/**
 * "Did you mean": the known name a mistyped one most likely meant, for policy keys (config/policy-keys.ts)
 * and for the names `validate --aws` finds in the account (domain/resources.ts).
 */

/** Optimal string alignment distance: Levenshtein plus one transposition of neighbours ("sufix", "preifx"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

const fold = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The known key `unknown` was most likely meant to be: the same once case, "-" and "_" are ignored
 * (`model_package_group`), else the one key it begins (`manifestVar`), else the nearest within a third of its length (at least 1, at most 3
 * edits), ties to the first listed. Undefined when nothing is that close.
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const target = fold(unknown);
  const same = known.find((k) => fold(k) === target);
  if (same !== undefined) return same;
  // A key cut short (`manifestVar`): the one known key it begins.
  const longer = target.length >= 4 ? known.filter((k) => fold(k).startsWith(target)) : [];
  if (longer.length === 1) return longer[0];
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(target, fold(key));
    if (distance <= limit && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
