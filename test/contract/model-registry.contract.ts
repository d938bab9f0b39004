/**
 * The ModelRegistry port's contract, run against the SageMaker adapter on moto and the memory
 * adapter, so simulated gates read and write the registry as SageMaker does.
 */
import type { ApprovalStatus, ModelRegistry } from '../../functions/ports/model-registry';

export interface ModelRegistrySubject {
  registry: ModelRegistry;
  /** A group that exists and belongs to this subject alone. */
  group: string;
  /** Registers the next version of the group (created after every earlier one); returns its ARN. */
  register(fields: { status: ApprovalStatus; reportUri?: string; metadata?: Record<string, string> }): Promise<string>;
}

export function describeModelRegistryContract(name: string, makeSubject: () => Promise<ModelRegistrySubject>): void {
  describe(`ModelRegistry contract: ${name}`, () => {
    let s: ModelRegistrySubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    it('describes a package by ARN: group, version, status, report locations and metadata', async () => {
      const arn = await s.register({
        status: 'PendingManualApproval',
        reportUri: 's3://reports/eval/1.json',
        metadata: { auc: '0.91' },
      });
      await expect(s.registry.describe(arn)).resolves.toMatchObject({
        arn,
        group: s.group,
        version: 1,
        status: 'PendingManualApproval',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        reports: { 'ModelQuality.Statistics': { s3Uri: 's3://reports/eval/1.json' } },
        customerMetadata: { auc: '0.91' },
      });
    });

    it('describes an unknown ARN as undefined', async () => {
      const arn = await s.register({ status: 'Approved' });
      await expect(s.registry.describe(arn.replace(/\/1$/, '/99'))).resolves.toBeUndefined();
    });

    it('lists the group\u2019s packages in one status, newest first, at most the limit', async () => {
      const a1 = await s.register({ status: 'Approved' });
      await s.register({ status: 'PendingManualApproval' });
      const a3 = await s.register({ status: 'Approved' });
      const a4 = await s.register({ status: 'Approved' });
      expect((await s.registry.listByStatus(s.group, 'Approved', 10)).map((p) => p.arn)).toEqual([a4, a3, a1]);
      expect((await s.registry.listByStatus(s.group, 'Approved', 2)).map((p) => p.arn)).toEqual([a4, a3]);
      expect(await s.registry.listByStatus(s.group, 'Rejected', 5)).toEqual([]);
      expect((await s.registry.listByStatus(s.group, 'Approved', 1))[0]).toMatchObject({
        arn: a4,
        group: s.group,
        version: 4,
        status: 'Approved',
      });
    });

    it('sets the status and a readable description', async () => {
      const arn = await s.register({ status: 'PendingManualApproval' });
      await s.registry.setApprovalStatus(arn, 'Approved', 'APPROVE by gate g: auc=0.9');
      await expect(s.registry.describe(arn)).resolves.toMatchObject({
        status: 'Approved',
        approvalDescription: 'APPROVE by gate g: auc=0.9',
      });
    });

    it('clips a description longer than the API\u2019s 1024 characters', async () => {
      const arn = await s.register({ status: 'PendingManualApproval' });
      await s.registry.setApprovalStatus(arn, 'Rejected', 'x'.repeat(5000));
      expect((await s.registry.describe(arn))?.approvalDescription).toHaveLength(1024);
    });
  });
}
