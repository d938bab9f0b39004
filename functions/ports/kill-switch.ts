export interface KillSwitchState {
  paused: boolean;
  by?: string;
  reason?: string;
  at?: string;
}

/** One switch that pauses every write action of every function at once, without a redeploy. */
export interface KillSwitch {
  state(): Promise<KillSwitchState>;
  set(state: KillSwitchState): Promise<void>;
}
