import { createHash } from 'node:crypto';
import type { ObjectRef } from './objects';

export interface Manifest {
  rule: string;
  batch: number;
  closedAt: string;
  reason: string;
  objectCount: number;
  totalBytes: number;
  objects: Array<{ bucket: string; key: string; size: number; etag?: string; versionId?: string }>;
}

export function buildManifest(
  rule: string,
  batch: number,
  closedAt: string,
  reason: string,
  members: readonly ObjectRef[],
): Manifest {
  const objects = [...members]
    .sort((a, b) => (a.bucket + a.key).localeCompare(b.bucket + b.key))
    .map((m) => ({
      bucket: m.bucket,
      key: m.key,
      size: m.size,
      ...(m.etag ? { etag: m.etag } : {}),
      ...(m.versionId ? { versionId: m.versionId } : {}),
    }));
  return {
    rule,
    batch,
    closedAt,
    reason,
    objectCount: objects.length,
    totalBytes: objects.reduce((s, o) => s + o.size, 0),
    objects,
  };
}

export function manifestKey(prefix: string, rule: string, batch: number): string {
  return `${prefix}${rule}/batch-${String(batch).padStart(6, '0')}.json`;
}

/**
 * The start's idempotency token: the same batch always yields the same token, so a retried start
 * returns the execution that already exists instead of starting a second one.
 */
export function startToken(rule: string, batch: number): string {
  return createHash('sha256').update(`mlops-controller/${rule}/${batch}`).digest('hex');
}

/** The start token of a rule's scheduled start at `fireAt` (no batch): one execution per fire time. */
export function scheduledStartToken(rule: string, fireAt: string): string {
  return createHash('sha256').update(`mlops-controller/${rule}/schedule/${fireAt}`).digest('hex');
}
