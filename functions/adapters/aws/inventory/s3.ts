import { HeadBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BucketFacts, Lookup } from '../../../domain/resources';
import type { StorageInventory } from '../../../ports/inventory';
import { lookupFailure } from './lookup';

/**
 * HeadBucket/HeadObject answer 404 (`NotFound`) for an absent bucket or key. A 403 is unchecked: the
 * bucket may exist in another account, and without s3:ListBucket S3 answers 403 for an absent key
 * too. The client should follow region redirects (`followRegionRedirects`) so a bucket in another
 * region reports that region instead of failing.
 */
export class S3Inventory implements StorageInventory {
  constructor(private readonly client: S3Client) {}

  async bucket(name: string): Promise<Lookup<BucketFacts>> {
    try {
      const out = await this.client.send(new HeadBucketCommand({ Bucket: name }));
      return { state: 'present', facts: out.BucketRegion ? { region: out.BucketRegion } : {} };
    } catch (error) {
      return lookupFailure(error, ['NotFound', 'NoSuchBucket']);
    }
  }

  async object(bucket: string, key: string): Promise<Lookup<object>> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { state: 'present', facts: {} };
    } catch (error) {
      return lookupFailure(error, ['NotFound', 'NoSuchKey', 'NoSuchBucket']);
    }
  }
}
