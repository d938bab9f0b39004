export interface Clock {
  now(): Date;
  /** Waits; the simulated clock advances instead of sleeping. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
