/** Generated canary and baseline series for judgment tests: the same numbers every run. */
import { metricWorld } from '../../functions/adapters/memory/metric-series';
import type { MemoryWorld } from '../../functions/adapters/memory/world';

/** Deterministic noise in [-1, 1) (a linear congruential generator). */
export function noise(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31) * 2 - 1;
  };
}

type Shape = (minute: number, r: () => number) => number;

export const SHAPES: Record<string, { canary: Shape; baseline: Shape; canaryMinutes?: number }> = {
  // Latency creeping up 4 ms a minute on the new version only.
  drifting: { canary: (i, r) => 100 + 4 * i + 3 * r(), baseline: (_, r) => 100 + 3 * r() },
  // Both versions alike, with noise as wide as the drift above.
  'noisy but equal': { canary: (_, r) => 100 + 10 * r(), baseline: (_, r) => 100 + 10 * r() },
  // The canary served in 4 of the 30 minutes.
  starved: { canary: (_, r) => 100 + r(), baseline: (_, r) => 100 + r(), canaryMinutes: 4 },
};

/** Lambda Duration per ExecutedVersion (3 baseline, 4 canary), one value a minute for the 30 minutes before `now`. */
export function seedLambdaSeries(world: MemoryWorld, now: number, shape: keyof typeof SHAPES, metricName = 'Duration') {
  const fn = 'churn-predict';
  const s = SHAPES[shape]!;
  const r = noise(42);
  const metrics = metricWorld(world);
  const dims = (version: string) => ({ FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: version });
  for (let i = 0; i < 30; i++) {
    const at = new Date(now - (30 - i) * 60_000 + 5_000);
    const put = (version: string, value: number) =>
      metrics.put({ namespace: 'AWS/Lambda', metricName, dimensions: dims(version), at, value });
    put('3', s.baseline(i, r));
    if (s.canaryMinutes === undefined || i >= 30 - s.canaryMinutes) put('4', s.canary(i, r));
  }
}
