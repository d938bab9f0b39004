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
