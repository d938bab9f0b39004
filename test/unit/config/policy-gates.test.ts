import { PolicyError } from '../../../functions/domain/errors';
import { validatePolicy } from '../../../functions/config/policy';
import { testController } from '../../support/policies';

const auc = {
  metric: 'auc',
  from: 'ModelQuality.Statistics',
  path: 'binary_classification_metrics.auc.value',
  min: 0.7,
};
const gate = (fields: Record<string, unknown> = {}) => ({
  name: 'churn',
  modelPackageGroup: 'churn-models',
  reportBuckets: ['reports'],
  checks: [auc],
  ...fields,
});
const policy = (gates: unknown[]) => ({ version: 1, controller: testController, gates });

function problems(gates: unknown[]): string[] {
  try {
    validatePolicy(policy(gates));
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  return [];
}

describe('policy gates', () => {
  it('defaults to no gates, and a gate to hold on missing data, warnings and a first model', () => {
    expect(validatePolicy(policy([])).gates).toEqual([]);
    expect(validatePolicy({ version: 1, controller: testController }).gates).toEqual([]);
    expect(validatePolicy(policy([gate()])).gates[0]).toMatchObject({
      firstModel: 'hold',
      onMissingData: 'hold',
      onWarning: 'hold',
      reportMaxBytes: 1_048_576,
      approvals: [],
      checks: [{ severity: 'critical' }],
    });
  });

  it.each([
    [{ checks: [{ ...auc, min: 'high' }] }, 'gates[0].checks[0].min: must be a number'],
    [{ checks: [{ ...auc, from: 'Quality' }] }, 'gates[0].checks[0].from: must be one of'],
    [{ checks: [{ ...auc, min: undefined }] }, 'gates[0].checks[0]: needs min, max, or a champion comparison'],
    [{ checks: [{ ...auc, maxDegradation: 0.01 }] }, 'gates[0].checks[0].direction: required with maxDegradation'],
    [{ checks: [{ ...auc, max: 0.5 }] }, 'gates[0].checks[0].max: must be >= min (0.7)'],
    [
      { checks: [{ ...auc, direction: 'higher', maxDegradationPct: -1 }] },
      'gates[0].checks[0].maxDegradationPct: must be >= 0',
    ],
    [
      { checks: [{ ...auc, direction: 'higher', maxDegradation: 0.1, minImprovement: 0.01 }] },
      'gates[0].checks[0].minImprovement: contradicts maxDegradation',
    ],
    [{ checks: [auc, { ...auc, path: 'x' }] }, 'gates[0].checks[1].metric: duplicate of checks[0].metric'],
    [{ checks: [{ ...auc, severity: 'minor' }] }, 'gates[0].checks[0].severity: must be critical or warning'],
    [{ checks: [] }, 'gates[0].checks: list at least one check'],
    [{ reportBuckets: [] }, 'gates[0].reportBuckets: list the buckets holding the reports'],
    [{ onMissingData: 'approve' }, 'gates[0].onMissingData: must be hold or reject'],
    [{ modelPackageGroup: 'churn models' }, 'gates[0].modelPackageGroup: must be a model package group name'],
    [
      { modelPackageGroup: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models' },
      "gates[0].modelPackageGroup: arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models is an ARN: write the model package group's name alone (churn-models)",
    ],
    [
      { notifyTopicArn: 'ml-approvals' },
      "gates[0].notifyTopicArn: ml-approvals is a name: write the topic's ARN (arn:aws:sns:us-east-1:123456789012:ml-approvals)",
    ],
    [{ notifyTopicArn: 'arn:aws:sqs:us-east-1:123456789012:q' }, 'gates[0].notifyTopicArn: must be an SNS topic ARN'],
    [
      { approvals: [{ pipeline: 'p', stage: 's', action: 'a', package: { newest: true } }] },
      'gates[0].approvals[0].package: must be',
    ],
    [
      { approvals: [{ pipeline: 'p', stage: 's', package: { variable: 'ARN' } }] },
      'gates[0].approvals[0].action: required',
    ],
  ])('%j is reported as "%s"', (fields, message) => {
    expect(problems([gate(fields)])).toEqual([expect.stringContaining(message)]);
  });

  it('reports two gates judging one group and two gates bound to one approval action', () => {
    const binding = { pipeline: 'deploy', stage: 'Approval', action: 'Gate', package: { variable: 'ARN' } };
    expect(problems([gate({ approvals: [binding] }), gate({ name: 'other', approvals: [binding] })])).toEqual([
      'gates[1].modelPackageGroup: gates[0] already judges this group: a package would get two verdicts',
      'gates[1].approvals[0]: this action is already bound by gates[0].approvals[0]',
    ]);
  });

  it('a metadata-only gate needs no report bucket', () => {
    expect(
      problems([gate({ reportBuckets: [], checks: [{ ...auc, from: 'CustomerMetadataProperties', path: 'auc' }] })]),
    ).toEqual([]);
  });
});
