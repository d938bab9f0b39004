export interface KillSwitchState {
  paused: boolean;
  by?: string;
  reason?: string;
  at?: string;
}

/** One switch that pauses every write action of every function at once, without a redeploy. */
export interface KillSwitch {
  /** The switch as of at most the cache time ago; `fresh` reads it now. */
  state(options?: { fresh?: boolean }): Promise<KillSwitchState>;
  set(state: KillSwitchState): Promise<void>;
}
