/** CloudWatch writes `2019-10-02T17:04:40.989+0000`; Date.parse wants `+00:00`. */
export function isoTime(text: string | undefined, fallback: string): string {
  if (!text) return fallback;
  const fixed = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(fixed);
  return Number.isNaN(t) ? fallback : new Date(t).toISOString();
}

/** `time` is ISO in most events and an epoch-milliseconds string (or number) in endpoint events. */
export function eventTime(value: string | number | undefined, fallback: string): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{12,}$/.test(value)))
    return new Date(Number(value)).toISOString();
  return isoTime(value, fallback);
}
