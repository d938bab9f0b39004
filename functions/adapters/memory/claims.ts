import type { Claims } from '../../ports/claims';
import type { Clock } from '../../ports/clock';

export class MemoryClaims implements Claims {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.expiries.set(key, now + ttlSeconds);
    return true;
  }

  /** Whether the claim is held now. */
  held(key: string): boolean {
    const expiry = this.expiries.get(key);
    return expiry !== undefined && expiry > Math.floor(this.clock.now().getTime() / 1000);
  }

  /** Holds a claim `seconds` from now (its holder finished and keeps it). */
  hold(key: string, seconds: number): void {
    this.expiries.set(key, Math.floor(this.clock.now().getTime() / 1000) + seconds);
  }

  async release(key: string): Promise<void> {
    this.expiries.delete(key);
  }
}
