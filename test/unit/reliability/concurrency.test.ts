import { dataArrived } from '../../../functions/handlers/data-arrived';
import { loadFixture } from '../../support/fixtures';
import { memoryHarness } from '../../support/memory-harness';
import { testPolicy } from '../../support/policies';

/**
 * Concurrency on the memory backend. The other two cases the issue names are proven elsewhere:
 * 50 concurrent alarms → 1 rollback in test/unit/handlers/alarm-fired.test.ts (memory) and
 * test/integration/rollback-decision.test.ts (moto); 2 concurrent gate events → 1 decision in
 * test/unit/handlers/model-registered.test.ts (memory) and test/integration/reliability/faults.test.ts
 * (moto, where DescribeModelPackage then UpdateModelPackage is not atomic).
 */
describe('concurrency', () => {
  it('100 concurrent drops for one batch start it once, with all 100 objects in its manifest', async () => {
    const policy = testPolicy([
      {
        name: 'drops',
        source: { bucket: 'DOC-EXAMPLE-BUCKET1', prefix: 'in/' },
        target: { type: 'codepipeline', name: 'drops-pipeline' },
        trigger: { maxObjects: 100 },
      },
    ]);
    const h = memoryHarness(policy);
    const handle = dataArrived(h.workflow, h.logger);
    const drop = (n: number) => {
      const event = loadFixture('s3-object-created.eventbridge.json');
      Object.assign(event, { id: `drop-${n}`, account: '123456789012', region: 'us-east-1' });
      event.detail.object = { ...event.detail.object, key: `in/part-${n}.csv`, etag: `e${n}`, sequencer: `00${n}` };
      return event;
    };
    await Promise.all(Array.from({ length: 100 }, (_, n) => handle(drop(n))));
    expect(h.starts()).toHaveLength(1);
    const put = h.world.actions.find((a) => a.operation === 'PutObject')!.input as { Bucket: string; Key: string };
    const manifest = JSON.parse(h.world.getObject(put.Bucket, put.Key)!.body) as { objects: Array<{ key: string }> };
    expect(new Set(manifest.objects.map((o) => o.key)).size).toBe(100);
  });
});
