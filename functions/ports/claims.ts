/**
 * One-time claims on the state table: the first caller of `claim(key)` gets true, every later or
 * concurrent caller false, until the claim expires. Makes effects without an idempotency token of
 * their own (an SNS notification) happen once per situation.
 */
export interface Claims {
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a claim back (its holder failed before the effect): the retry can take it at once. */
  release(key: string): Promise<void>;
}
