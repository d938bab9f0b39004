/** One S3 object as the controller sees it, whatever delivery path announced it. */
export interface ObjectRef {
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  versionId?: string;
  /** S3's per-key ordering token; part of the identity so a re-upload is a new object. */
  sequencer?: string;
  eventTime?: string;
}

/** Identity of one upload: the same object delivered twice maps to the same string. */
export function objectIdentity(o: ObjectRef): string {
  return [o.bucket, o.key, o.versionId ?? '', o.etag ?? '', o.sequencer ?? ''].join('\u001f');
}

/** S3 caps object keys at 1,024 bytes of UTF-8; a longer key cannot name a real object. */
export const MAX_KEY_BYTES = 1024;

const utf8 = new TextEncoder();

/** Why `key` cannot be an S3 object key, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  const bytes = utf8.encode(key).length;
  return bytes > MAX_KEY_BYTES
    ? `key is ${bytes.toLocaleString('en-US')} bytes of UTF-8; S3 allows at most ${MAX_KEY_BYTES.toLocaleString('en-US')}`
    : undefined;
}
