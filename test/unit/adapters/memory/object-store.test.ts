import { ObjectNotFoundError } from '../../../../functions/adapters/aws/s3';
import { MemoryObjectStore } from '../../../../functions/adapters/memory/object-store';
import { MemoryWorld } from '../../../../functions/adapters/memory/world';
import type { Clock } from '../../../../functions/ports/clock';
import { describeObjectStoreContract } from '../../../contract/object-store.contract';

const clock: Clock = { now: () => new Date('2024-05-01T12:00:00Z'), sleep: async () => {} };

describeObjectStoreContract('MemoryObjectStore', async () => {
  const world = new MemoryWorld(clock);
  return {
    store: new MemoryObjectStore(world),
    bucket: 'training-data',
    seed: async (key, body) => void world.putObject('training-data', key, body),
    read: async (key) => world.getObject('training-data', key)?.body,
  };
});

describe('MemoryObjectStore', () => {
  let world: MemoryWorld;
  let store: MemoryObjectStore;
  beforeEach(() => {
    world = new MemoryWorld(clock);
    store = new MemoryObjectStore(world);
  });

  it('journals putJson as the PutObject call AWS would receive, naming bucket and key only', async () => {
    await store.putJson('manifests', 'm/1.json', { objects: [] });
    expect(world.actions).toEqual([
      {
        service: 's3',
        operation: 'PutObject',
        input: { Bucket: 'manifests', Key: 'm/1.json' },
        at: '2024-05-01T12:00:00.000Z',
      },
    ]);
  });

  it('journals nothing for a read', async () => {
    world.putObject('b', 'k.csv', 'a,b\n');
    await store.readHead('b', 'k.csv', 10);
    expect(world.actions).toEqual([]);
  });

  it('reads the stored version when its version id is asked for', async () => {
    world.putObject('b', 'k.csv', 'a,b\n', 'v2');
    await expect(store.readHead('b', 'k.csv', 10, 'v2')).resolves.toBe('a,b\n');
  });

  it('rejects any other version id as S3 NoSuchVersion, with the same error class as a missing key', async () => {
    world.putObject('b', 'k.csv', 'a,b\n', 'v2');
    const failure = await store.readHead('b', 'k.csv', 10, 'v1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ObjectNotFoundError);
    expect((failure as Error).cause).toMatchObject({ name: 'NoSuchVersion' });
  });

  it('returns the empty string without looking when asked for zero bytes, like the S3 adapter', async () => {
    await expect(store.readHead('b', 'missing.csv', 0)).resolves.toBe('');
  });
});
