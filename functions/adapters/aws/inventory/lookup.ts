import type { Lookup } from '../../../domain/resources';

/**
 * An SDK error as a lookup's answer: `missing` only for the error names (and messages) by which
 * the service says the resource does not exist; anything else (access denied, throttling, a
 * network failure) is `unchecked`, never a pass and never a "missing".
 */
export function lookupFailure(error: unknown, missing: readonly string[], message?: RegExp): Lookup<never> {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  if (missing.includes(name) && (!message || message.test(e.message ?? '')))
    return { state: 'missing', detail: `${name}${e.message && e.message !== name ? `: ${e.message}` : ''}` };
  const status = e.$metadata?.httpStatusCode;
  return { state: 'unchecked', detail: `${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? 'no message'}` };
}
