import { MemoryClaims } from '../../../../functions/adapters/memory/claims';
import { gatesState } from '../../../../functions/adapters/memory/gates-world';
import { MemoryMetricReports } from '../../../../functions/adapters/memory/metric-reports';
import { MemoryModelRegistry } from '../../../../functions/adapters/memory/model-registry';
import { MemoryNotifier } from '../../../../functions/adapters/memory/notifier';
import { MemoryWorld } from '../../../../functions/adapters/memory/world';
import { describeClaimsContract } from '../../../contract/claims.contract';
import { describeMetricReportsContract } from '../../../contract/metric-reports.contract';
import { describeModelRegistryContract } from '../../../contract/model-registry.contract';
import { TestClock } from '../../../support/memory-harness';

describeModelRegistryContract('MemoryModelRegistry', async () => {
  const world = new MemoryWorld(new TestClock());
  let version = 0;
  return {
    registry: new MemoryModelRegistry(world),
    group: 'churn-models',
    register: async ({ status, reportUri, metadata }) => {
      version += 1;
      const arn = `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/${version}`;
      gatesState(world).packages.set(arn, {
        arn,
        group: 'churn-models',
        version,
        status,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, version)).toISOString(),
        reports: reportUri ? { 'ModelQuality.Statistics': { s3Uri: reportUri } } : {},
        customerMetadata: metadata ?? {},
      });
      return arn;
    },
  };
});

describeMetricReportsContract('MemoryMetricReports', async () => {
  const world = new MemoryWorld(new TestClock());
  return {
    reports: new MemoryMetricReports(world),
    bucket: 'reports',
    seed: async (key, body) => void world.putObject('reports', key, body),
  };
});

describeClaimsContract('MemoryClaims', async () => {
  const clock = new TestClock();
  return { claims: new MemoryClaims(clock), advance: (s) => clock.advance(s) };
});

describe('memory gate adapters journal what AWS would receive', () => {
  it('UpdateModelPackage with a ClientToken derived from what is written', async () => {
    const world = new MemoryWorld(new TestClock());
    const registry = new MemoryModelRegistry(world);
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1';
    gatesState(world).packages.set(arn, {
      arn,
      group: 'g',
      version: 1,
      status: 'Approved',
      createdAt: '2026-01-01T00:00:00Z',
      reports: {},
      customerMetadata: {},
    });
    expect(world.actions).toEqual([]);
    await registry.setApprovalStatus(arn, 'Rejected', 'no');
    expect(world.actions).toEqual([
      expect.objectContaining({
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        input: {
          ModelPackageArn: arn,
          ModelApprovalStatus: 'Rejected',
          ApprovalDescription: 'no',
          ClientToken: expect.stringMatching(/^[0-9a-f]{36}$/),
        },
      }),
    ]);
  });

  // Publish API reference: subjects "less than 100 characters long"; messages at most 262,144 bytes.
  it('SNS Publish with an ASCII subject of fewer than 100 characters', async () => {
    const world = new MemoryWorld(new TestClock());
    await new MemoryNotifier(world).notify('arn:aws:sns:us-east-1:1:t', `HOLD ✓ ${'x'.repeat(200)}`, 'body');
    const input = world.actions[0]!.input as { Subject: string };
    expect(input.Subject).toHaveLength(99);
    expect(input.Subject.startsWith('HOLD ? x')).toBe(true);
    expect(input.Subject.endsWith('x...')).toBe(true);
  });

  it('SNS Publish keeps a message of more than 256 KB to 262,144 bytes, whole characters, marked as cut', async () => {
    const world = new MemoryWorld(new TestClock());
    const notifier = new MemoryNotifier(world);
    await notifier.notify('arn:aws:sns:us-east-1:1:t', 'HOLD', 'é'.repeat(140_000));
    await notifier.notify('arn:aws:sns:us-east-1:1:t', 'HOLD', 'x'.repeat(262_144));
    const [cut, whole] = world.actions.map((a) => (a.input as { Message: string }).Message);
    expect(Buffer.byteLength(cut!, 'utf8')).toBeLessThanOrEqual(262_144);
    expect(cut).toMatch(/^é+\n… \(truncated\)$/);
    expect(whole).toBe('x'.repeat(262_144));
  });

  it('an AccessDenied object is an ERROR report', async () => {
    const world = new MemoryWorld(new TestClock());
    world.putObject('reports', 'k.json', '{}');
    gatesState(world).denied.add('reports/k.json');
    await expect(
      new MemoryMetricReports(world).readJson('s3://reports/k.json', { maxBytes: 10 }),
    ).rejects.toMatchObject({
      status: 'ERROR',
      message: 's3://reports/k.json: access denied',
    });
  });
});
