/**
 * The ObjectStore port's contract. Every implementation (S3 on moto, the embedded memory store)
 * runs these same cases, so the simulation reads and writes objects the way S3 does.
 */
import { ObjectNotFoundError } from '../../functions/adapters/aws/s3';
import { ControllerError } from '../../functions/domain/errors';
import type { ObjectStore } from '../../functions/ports/object-store';

export interface ObjectStoreSubject {
  store: ObjectStore;
  /** A bucket that exists and belongs to this subject alone. */
  bucket: string;
  /** Puts an object behind the store's back. */
  seed(key: string, body: string): Promise<void>;
  /** Reads a whole object behind the store's back; undefined when missing. */
  read(key: string): Promise<string | undefined>;
}

export function describeObjectStoreContract(name: string, makeSubject: () => Promise<ObjectStoreSubject>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ObjectStoreSubject;
    beforeEach(async () => {
      subject = await makeSubject();
    });

    describe('readHead', () => {
      it('returns the whole body when the object is shorter than the bytes asked for', async () => {
        await subject.seed('data/small.csv', 'id,label\n1,0\n');
        await expect(subject.store.readHead(subject.bucket, 'data/small.csv', 1024)).resolves.toBe('id,label\n1,0\n');
      });

      it('returns only the first n bytes of a longer object', async () => {
        await subject.seed('data/large.csv', `id,label\n${'1,0\n'.repeat(1000)}`);
        await expect(subject.store.readHead(subject.bucket, 'data/large.csv', 9)).resolves.toBe('id,label\n');
      });

      it('drops a multi-byte character cut by the byte limit instead of returning a replacement character', async () => {
        // "€" is 3 bytes in UTF-8: a limit of 3 or 4 bytes cuts it.
        await subject.seed('data/euro.csv', 'ab€cd');
        await expect(subject.store.readHead(subject.bucket, 'data/euro.csv', 3)).resolves.toBe('ab');
        await expect(subject.store.readHead(subject.bucket, 'data/euro.csv', 4)).resolves.toBe('ab');
      });

      it('keeps a multi-byte character that ends exactly at the byte limit', async () => {
        await subject.seed('data/accents.csv', 'prénom,âge\n');
        // "é" is bytes 3-4: a limit of 4 keeps it whole, 3 cuts it.
        await expect(subject.store.readHead(subject.bucket, 'data/accents.csv', 4)).resolves.toBe('pré');
        await expect(subject.store.readHead(subject.bucket, 'data/accents.csv', 3)).resolves.toBe('pr');
      });

      it('strips a UTF-8 byte order mark so the first column name is clean', async () => {
        await subject.seed('data/bom.csv', '\uFEFFid,label\n');
        await expect(subject.store.readHead(subject.bucket, 'data/bom.csv', 100)).resolves.toBe('id,label\n');
      });

      it('reads an empty object as the empty string', async () => {
        await subject.seed('data/empty.csv', '');
        await expect(subject.store.readHead(subject.bucket, 'data/empty.csv', 100)).resolves.toBe('');
      });

      it('rejects a missing key with a non-retryable ObjectNotFoundError that keeps the cause', async () => {
        const failure = await subject.store.readHead(subject.bucket, 'data/missing.csv', 100).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ObjectNotFoundError);
        expect(failure).toBeInstanceOf(ControllerError);
        expect(failure).toMatchObject({ retryable: false, bucket: subject.bucket, key: 'data/missing.csv' });
        expect((failure as Error).cause).toMatchObject({ name: 'NoSuchKey' });
      });
    });

    describe('putJson', () => {
      const manifest = { rule: 'churn', objects: [{ key: 'data/a.csv', size: 12, etag: 'e1' }] };

      it('returns the s3:// URI of the written object', async () => {
        await expect(subject.store.putJson(subject.bucket, 'manifests/m1.json', manifest)).resolves.toBe(
          `s3://${subject.bucket}/manifests/m1.json`,
        );
      });

      it('writes the document as pretty-printed JSON that parses back to the same value', async () => {
        await subject.store.putJson(subject.bucket, 'manifests/m2.json', manifest);
        const body = await subject.read('manifests/m2.json');
        expect(body).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
        expect(JSON.parse(body!)).toEqual(manifest);
      });

      it('is harmless when the same key and body are written twice', async () => {
        const first = await subject.store.putJson(subject.bucket, 'manifests/m3.json', manifest);
        const second = await subject.store.putJson(subject.bucket, 'manifests/m3.json', manifest);
        expect(second).toBe(first);
        expect(JSON.parse((await subject.read('manifests/m3.json'))!)).toEqual(manifest);
      });

      it('writes what readHead then reads', async () => {
        await subject.store.putJson(subject.bucket, 'manifests/m4.json', { ok: true });
        await expect(subject.store.readHead(subject.bucket, 'manifests/m4.json', 65_536)).resolves.toBe(
          '{\n  "ok": true\n}\n',
        );
      });
    });
  });
}
