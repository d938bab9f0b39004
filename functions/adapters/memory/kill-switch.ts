import type { KillSwitch, KillSwitchState } from '../../ports/kill-switch';

/** The embedded backend's kill switch: no cache, a pause applies to the next write call. */
export class MemoryKillSwitch implements KillSwitch {
  private current: KillSwitchState = { paused: false };

  async state(): Promise<KillSwitchState> {
    return { ...this.current };
  }

  async set(state: KillSwitchState): Promise<void> {
    this.current = { ...state };
  }
}
