import { decodeHead, jsonBody, ObjectNotFoundError, s3Uri } from '../aws/s3';
import type { ObjectStore } from '../../ports/object-store';
import { MemoryWorld } from './world';

/** S3 for the embedded backend: objects live in the world; writes are journaled as PutObject. */
export class MemoryObjectStore implements ObjectStore {
  constructor(private readonly world: MemoryWorld) {}

  async readHead(bucket: string, key: string, bytes: number, versionId?: string): Promise<string> {
    if (!Number.isInteger(bytes) || bytes < 1) return ''; // as S3ObjectStore: no request at all
    const stored = this.world.getObject(bucket, key);
    // The world keeps one version per key: asking for any other is S3's NoSuchVersion.
    if (!stored || (versionId && stored.versionId !== versionId)) {
      const name = stored ? 'NoSuchVersion' : 'NoSuchKey';
      throw new ObjectNotFoundError(bucket, key, Object.assign(new Error(`simulated ${name}`), { name }));
    }
    return decodeHead(new TextEncoder().encode(stored.body).subarray(0, bytes), bytes);
  }

  async putJson(bucket: string, key: string, body: unknown): Promise<string> {
    this.world.putObject(bucket, key, jsonBody(body));
    this.world.record('s3', 'PutObject', { Bucket: bucket, Key: key });
    return s3Uri(bucket, key);
  }
}
