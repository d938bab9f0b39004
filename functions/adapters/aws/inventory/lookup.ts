import type { Lookup } from '../../../domain/resources';

/**
 * An SDK error as a lookup's answer: `missing` only for the error names (and messages) by which
 * the service says the resource does not exist; anything else (access denied, throttling, a
 * network failure) is `unchecked`, never a pass and never a "missing".
 */
export function lookupFailure(error: unknown, missing: readonly string[], message?: RegExp): Lookup<never> {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  // The first line only: SDK deserialization errors append a paragraph of advice.
  const text = (e.message ?? '').split('\n')[0]!.trim();
  // HEAD answers have no body: the SDK names the status and says "UnknownError".
  const said = text && text !== name && text !== 'UnknownError' ? `: ${text}` : status ? `, HTTP ${status}` : '';
  if (missing.includes(name) && (!message || message.test(text))) return { state: 'missing', detail: `${name}${said}` };
  return { state: 'unchecked', detail: `${name}${status && said.startsWith(':') ? ` (HTTP ${status})` : ''}${said}` };
}

/**
 * A list call made at most once per inventory, however many misses ask for it: the names of that
 * kind the account has, for a "did you mean". A list that fails offers nothing; the miss stands.
 */
export function listedOnce<T>(list: () => Promise<T[]>): () => Promise<T[] | undefined> {
  let names: Promise<T[] | undefined> | undefined;
  return () => (names ??= list().catch(() => undefined));
}

/** `lookup` with the names `among` offers, when it is a miss and the list answered. */
export async function offering<T>(
  lookup: Lookup<T>,
  among: () => Promise<string[] | undefined>,
  part?: 'application',
): Promise<Lookup<T>> {
  if (lookup.state !== 'missing') return lookup;
  const names = await among();
  return names ? { ...lookup, among: names, ...(part ? { part } : {}) } : lookup;
}
