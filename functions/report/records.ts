/**
 * Reading the decision records the report is built from. Records come from the table or a local
 * run and their `inputs` are free-form evidence (cut short when a record was too large for the
 * table), so every field is read as unknown and a missing or mistyped one is `undefined`: the
 * sections then say the number is missing instead of showing a made-up one.
 */
import type { Decision } from '../ports/decision-log';

export type { Decision };

export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const object = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The record's time in ms, or undefined when `at` is not a time. */
export const atMs = (d: Decision): number | undefined => {
  const t = Date.parse(d.at);
  return Number.isNaN(t) ? undefined : t;
};

/** A record whose inputs did not fit the table holds `{ truncated: '<the JSON cut short>' }`. */
export const inputsTruncated = (d: Decision): boolean =>
  typeof d.inputs?.truncated === 'string' && Object.keys(d.inputs).length === 1;

/** The kind's family, the word before the dot: retraining, gate, rollback, canary, ... */
export const family = (kind: string): string => kind.split('.')[0] ?? kind;

/** Oldest first, records with the same time in the order given. */
export function chronological(records: readonly Decision[]): Decision[] {
  return records
    .map((d, i) => ({ d, i, t: atMs(d) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ d }) => d);
}

/** The UTC day of an ISO time (the decision log's partition). */
export const dayOf = (iso: string): string => iso.slice(0, 10);
