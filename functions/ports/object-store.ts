export interface ObjectStore {
  /** First `bytes` bytes of an object as UTF-8 (ranged GET). */
  readHead(bucket: string, key: string, bytes: number, versionId?: string): Promise<string>;
  /** Writes a JSON document; returns its s3:// URI. Same key and body twice is harmless. */
  putJson(bucket: string, key: string, body: unknown): Promise<string>;
}
