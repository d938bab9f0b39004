import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsCallError, ControllerError } from '../../domain/errors';
import type { ObjectStore } from '../../ports/object-store';

/** The object (or the named version, or its bucket) does not exist. Retrying will not help. */
export class ObjectNotFoundError extends ControllerError {
  constructor(
    readonly bucket: string,
    readonly key: string,
    cause?: unknown,
  ) {
    super(`s3://${bucket}/${key} does not exist${causeName(cause)}`, { cause, retryable: false });
  }
}

/** The controller's role may not read or write the object: a deployment problem, not a transient one. */
export class ObjectAccessDeniedError extends ControllerError {
  constructor(
    readonly bucket: string,
    readonly key: string,
    cause?: unknown,
  ) {
    super(`access to s3://${bucket}/${key} denied${causeName(cause)}`, { cause, retryable: false });
  }
}

function causeName(cause: unknown): string {
  return cause instanceof Error ? ` (${cause.name})` : '';
}

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchVersion', 'NoSuchBucket', 'NotFound']);
const DENIED = new Set(['AccessDenied', 'Forbidden', 'AllAccessDisabled']);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function mapError(operation: string, bucket: string, key: string, error: unknown): ControllerError {
  const name = errorName(error);
  if (NOT_FOUND.has(name)) return new ObjectNotFoundError(bucket, key, error);
  if (DENIED.has(name)) return new ObjectAccessDeniedError(bucket, key, error);
  return new AwsCallError('s3', operation, error);
}

/**
 * UTF-8 text of a byte prefix. When the prefix was cut at `limit` bytes, a multi-byte character
 * split by the cut is dropped rather than turned into U+FFFD (a streaming decoder withholds an
 * incomplete trailing sequence). A leading BOM is removed, as a CSV reader would.
 */
export function decodeHead(bytes: Uint8Array, limit: number): string {
  const mayBeCut = bytes.length >= limit;
  return new TextDecoder('utf-8').decode(bytes.subarray(0, limit), { stream: mayBeCut });
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Manifests are read by people as well as pipelines: pretty-printed, newline-terminated. */
export function jsonBody(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  async readHead(bucket: string, key: string, bytes: number, versionId?: string): Promise<string> {
    if (!Number.isInteger(bytes) || bytes < 1) return '';
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          Range: `bytes=0-${bytes - 1}`,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      if (!response.Body) return '';
      return decodeHead(await response.Body.transformToByteArray(), bytes);
    } catch (error) {
      // S3 answers a ranged GET of a zero-byte object with 416 InvalidRange: its head is empty.
      if (errorName(error) === 'InvalidRange') return '';
      throw mapError('GetObject', bucket, key, error);
    }
  }

  async putJson(bucket: string, key: string, body: unknown): Promise<string> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: jsonBody(body), ContentType: 'application/json' }),
      );
    } catch (error) {
      throw mapError('PutObject', bucket, key, error);
    }
    return s3Uri(bucket, key);
  }
}
