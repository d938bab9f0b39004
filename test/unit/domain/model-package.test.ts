import { creationTime, toModelPackage } from '../../../functions/domain/model-package';
import { loadFixture } from '../../support/fixtures';

describe('creationTime', () => {
  it.each([
    ['a Date (the SDK)', new Date('2026-11-22T08:00:00.000Z'), '2026-11-22T08:00:00.000Z'],
    ['an ISO string (the event detail), kept as written', '2021-02-24T17:00:14Z', '2021-02-24T17:00:14Z'],
    ['epoch milliseconds (real event captures)', 1_614_186_014_000, '2021-02-24T17:00:14.000Z'],
    ['a number that is no time', Number.NaN, '1970-01-01T00:00:00.000Z'],
    ['nothing', undefined, '1970-01-01T00:00:00.000Z'],
  ])('reads %s', (_what, input, expected) => {
    expect(creationTime(input)).toBe(expected);
  });
});

describe('toModelPackage', () => {
  it('reads the real event detail the same way as DescribeModelPackage (it mirrors it)', () => {
    const { detail } = loadFixture('sagemaker-model-package-state-change.json');
    expect(toModelPackage(detail)).toEqual({
      arn: 'arn:aws:sagemaker:us-east-2:123456789012:model-package/versionedmp-p-idy6c3e1fiqj/2',
      group: 'versionedmp-p-idy6c3e1fiqj',
      version: 2,
      status: 'Rejected',
      createdAt: '2021-02-24T17:00:14Z',
      reports: {
        'ModelQuality.Statistics': {
          s3Uri:
            's3://sagemaker-project-p-idy6c3e1fiqj/versionedmp-p-idy6c3e1fiqj/script-2021-02-24-10-55-15-413/output/evaluation/evaluation.json',
          contentType: 'application/json',
        },
      },
      customerMetadata: {},
    });
  });

  it.each([
    [
      'a package with nothing but its ARN: pending, no reports, no metadata',
      { ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1' },
      {
        arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1',
        group: '',
        status: 'PendingManualApproval',
        createdAt: '1970-01-01T00:00:00.000Z',
        reports: {},
        customerMetadata: {},
      },
    ],
    [
      'a report without S3Uri is no report; digest and description are kept',
      {
        ModelPackageGroupName: 'g',
        ModelPackageVersion: 3,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: 'ok',
        CustomerMetadataProperties: { auc: '0.9' },
        ModelMetrics: {
          ModelQuality: { Statistics: { ContentType: 'application/json' } },
          Bias: { PostTrainingReport: { S3Uri: 's3://b/bias.json', ContentDigest: 'sha256:00' } },
        },
      },
      {
        arn: '',
        group: 'g',
        version: 3,
        status: 'Approved',
        createdAt: '1970-01-01T00:00:00.000Z',
        reports: { 'Bias.PostTrainingReport': { s3Uri: 's3://b/bias.json', contentDigest: 'sha256:00' } },
        customerMetadata: { auc: '0.9' },
        approvalDescription: 'ok',
      },
    ],
  ])('maps %s', (_what, input, expected) => {
    expect(toModelPackage(input)).toEqual(expected);
  });
});
