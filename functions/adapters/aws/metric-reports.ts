import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsCallError } from '../../domain/errors';
import { parseS3Uri } from '../../domain/gates';
import { ReportError, type MetricReports, type ReadOptions } from '../../ports/metric-reports';
import { ObjectAccessDeniedError, ObjectNotFoundError } from './s3';

/** sha256 digest in the `sha256:<hex>` form a MetricsSource ContentDigest uses. */
export const contentDigest = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * The body as a JSON document, or the ReportError that says why not. Shared with the memory adapter
 * so both judge a body the same way.
 */
export function parseReport(uri: string, bytes: Uint8Array, total: number, options: ReadOptions): unknown {
  if (total > options.maxBytes || bytes.length > options.maxBytes)
    throw new ReportError('ERROR', `${uri} is ${total} bytes, over the ${options.maxBytes}-byte limit`);
  if (options.contentDigest && contentDigest(bytes).toLowerCase() !== options.contentDigest.toLowerCase())
    throw new ReportError('ERROR', `${uri} does not match its declared ContentDigest`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ReportError('ERROR', `${uri} is not valid JSON: ${(cause as Error).message.slice(0, 80)}`, cause);
  }
}

export function unreadable(uri: string, error: unknown): ReportError | undefined {
  if (error instanceof ObjectNotFoundError) return new ReportError('NODATA', `${uri} does not exist`, error);
  if (error instanceof ObjectAccessDeniedError) return new ReportError('ERROR', `${uri}: access denied`, error);
  return undefined;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchVersion']);
const DENIED = new Set(['AccessDenied', 'Forbidden', 'AllAccessDisabled']);

interface Cached {
  etag?: string;
  digest?: string;
  doc: unknown;
}

/** Entries kept per container; champion reports are few, so this bounds memory, not hit rate. */
const CACHE_ENTRIES = 64;

/**
 * Reads a report with one ranged GET of `maxBytes + 1` bytes, so an oversized report is refused
 * after transferring at most the limit. Champion reports (`cacheable`) are kept per container: a
 * report pinned by a ContentDigest is reused without a call (the package fixes its content);
 * otherwise it is revalidated with If-None-Match, and S3's 304 reuses it.
 */
export class S3MetricReports implements MetricReports {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly client: S3Client) {}

  async readJson(uri: string, options: ReadOptions): Promise<unknown> {
    const where = parseS3Uri(uri);
    if (!where) throw new ReportError('ERROR', `${uri} is not an s3:// URI`);
    const cached = options.cacheable ? this.cache.get(uri) : undefined;
    if (cached && options.contentDigest && cached.digest === options.contentDigest.toLowerCase()) return cached.doc;
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: where.bucket,
          Key: where.key,
          Range: `bytes=0-${options.maxBytes}`,
          ...(cached?.etag ? { IfNoneMatch: cached.etag } : {}),
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (cached && (name === 'NotModified' || status === 304)) return cached.doc;
      if (name === 'InvalidRange') return parseReport(uri, new Uint8Array(), 0, options); // empty object
      if (NOT_FOUND.has(name)) throw unreadable(uri, new ObjectNotFoundError(where.bucket, where.key, error))!;
      if (DENIED.has(name)) throw unreadable(uri, new ObjectAccessDeniedError(where.bucket, where.key, error))!;
      throw new AwsCallError('s3', 'GetObject', error);
    }
    const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    // "bytes 0-1048576/5242880": the total after the slash.
    const total = Number(/\/(\d+)$/.exec(response.ContentRange ?? '')?.[1] ?? bytes.length);
    const doc = parseReport(uri, bytes, total, options);
    if (options.cacheable) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(uri, {
        ...(response.ETag ? { etag: response.ETag } : {}),
        ...(options.contentDigest ? { digest: options.contentDigest.toLowerCase() } : {}),
        doc,
      });
    }
    return doc;
  }
}
